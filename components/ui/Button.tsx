import type { ButtonHTMLAttributes } from "react";
import { cn } from "@/lib/ui/cn";

export type ButtonVariant = "primary" | "secondary" | "ghost" | "danger" | "inverse";
type Variant = ButtonVariant;
type Size = "sm" | "md";

const VARIANTS: Record<Variant, string> = {
  primary: "bg-accent-600 text-white shadow-xs hover:bg-accent-700 disabled:bg-accent-300",
  secondary: "bg-white text-gray-800 shadow-xs ring-1 ring-inset ring-gray-300 hover:bg-gray-50 disabled:text-gray-400",
  ghost: "text-gray-600 hover:bg-gray-100 hover:text-gray-900 disabled:text-gray-300",
  danger: "bg-white text-red-700 shadow-xs ring-1 ring-inset ring-red-200 hover:bg-red-50 disabled:text-red-300",
  /** On dark surfaces (code blocks). */
  inverse: "text-gray-300 hover:bg-gray-800 hover:text-white disabled:text-gray-600",
};

const SIZES: Record<Size, string> = {
  sm: "h-7 px-2 text-xs gap-1",
  md: "h-8 px-3 text-sm gap-1.5",
};

export const buttonClasses = (variant: Variant = "secondary", size: Size = "md", className?: string) =>
  cn(
    "inline-flex shrink-0 items-center justify-center rounded-md font-medium whitespace-nowrap transition-colors",
    "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600 disabled:cursor-not-allowed",
    VARIANTS[variant],
    SIZES[size],
    className,
  );

export function Button({
  variant = "secondary",
  size = "md",
  className,
  type = "button",
  ...props
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant; size?: Size }) {
  return <button type={type} className={buttonClasses(variant, size, className)} {...props} />;
}
