import type { ReactNode } from "react";
import { cn } from "@/lib/ui/cn";
import type { Tone } from "@/lib/ui/requests";

// One colour family per meaning, shared by every page: reasoning and standard
// are the product's two tiers and must never look alike.
const TONE_CLASSES: Record<Tone, string> = {
  neutral: "bg-gray-100 text-gray-700 ring-gray-200",
  reasoning: "bg-reasoning-50 text-reasoning-700 ring-reasoning-200",
  standard: "bg-standard-50 text-standard-700 ring-standard-200",
  success: "bg-emerald-50 text-emerald-700 ring-emerald-200",
  warning: "bg-amber-50 text-amber-800 ring-amber-200",
  danger: "bg-red-50 text-red-700 ring-red-200",
};

export function Badge({
  tone = "neutral",
  children,
  className,
  title,
}: {
  tone?: Tone;
  children: ReactNode;
  className?: string;
  title?: string;
}) {
  return (
    <span
      title={title}
      className={cn(
        "inline-flex items-center gap-1 rounded px-1.5 py-0.5 text-[11px] leading-4 font-medium whitespace-nowrap ring-1 ring-inset",
        TONE_CLASSES[tone],
        className,
      )}
    >
      {children}
    </span>
  );
}

const DOT_CLASSES: Record<Tone, string> = {
  neutral: "bg-gray-400",
  reasoning: "bg-reasoning-500",
  standard: "bg-standard-500",
  success: "bg-emerald-500",
  warning: "bg-amber-500",
  danger: "bg-red-500",
};

/** A coloured dot and a label, for statuses in dense tables where a badge is too loud. */
export function StatusDot({ tone, children, title }: { tone: Tone; children: ReactNode; title?: string }) {
  return (
    <span title={title} className="inline-flex items-center gap-1.5 whitespace-nowrap">
      <span aria-hidden className={cn("size-1.5 shrink-0 rounded-full", DOT_CLASSES[tone])} />
      {children}
    </span>
  );
}
