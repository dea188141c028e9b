"use client";

import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from "react";
import { cn } from "@/lib/ui/cn";

/** Classes shared by text inputs, selects and text areas; red ring when the server rejected the value. */
export function inputClasses(invalid?: boolean, className?: string) {
  return cn(
    "w-full min-w-0 rounded-md border-0 bg-white px-2.5 text-sm text-gray-900 shadow-xs ring-1 ring-inset",
    "placeholder:text-gray-400 focus:ring-2 focus:ring-accent-600 focus:outline-none",
    "disabled:cursor-not-allowed disabled:bg-gray-50 disabled:text-gray-500",
    invalid ? "ring-red-400" : "ring-gray-300",
    className,
  );
}

export interface ControlProps {
  id: string;
  "aria-describedby"?: string;
  "aria-invalid"?: boolean;
}

/**
 * A labelled form control with an optional hint and error. The control comes
 * from a render function so the label, hint and error are tied to it by id
 * (getByLabel finds it; screen readers read the hint and the error).
 */
export function Field({
  label,
  hint,
  error,
  className,
  children,
}: {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | null;
  className?: string;
  children: (control: ControlProps) => ReactNode;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className={cn("min-w-0", className)}>
      <label htmlFor={id} className="block text-xs font-medium text-gray-700">
        {label}
      </label>
      <div className="mt-1">{children({ id, "aria-describedby": describedBy, "aria-invalid": error ? true : undefined })}</div>
      {hint ? (
        <p id={hintId} className="mt-1 text-[11px] text-gray-500">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={errorId} className="mt-1 text-xs text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function TextInput({ invalid, className, ...props }: InputHTMLAttributes<HTMLInputElement> & { invalid?: boolean }) {
  return <input {...props} className={inputClasses(invalid ?? !!props["aria-invalid"], cn("h-8", className))} />;
}

export function TextArea({ invalid, className, ...props }: TextareaHTMLAttributes<HTMLTextAreaElement> & { invalid?: boolean }) {
  return <textarea {...props} className={inputClasses(invalid ?? !!props["aria-invalid"], cn("py-1.5 leading-5", className))} />;
}

export function Select({ invalid, className, children, ...props }: SelectHTMLAttributes<HTMLSelectElement> & { invalid?: boolean }) {
  return (
    <select {...props} className={inputClasses(invalid ?? !!props["aria-invalid"], cn("h-8 pr-7", className))}>
      {children}
    </select>
  );
}

/** An on/off switch (role="switch"); `label` is its accessible name. */
export function Switch({
  checked,
  onChange,
  label,
  disabled,
  showLabel = false,
}: {
  checked: boolean;
  onChange: (next: boolean) => void;
  label: string;
  disabled?: boolean;
  showLabel?: boolean;
}) {
  return (
    <button
      type="button"
      role="switch"
      aria-checked={checked}
      aria-label={showLabel ? undefined : label}
      disabled={disabled}
      onClick={() => onChange(!checked)}
      className="group inline-flex items-center gap-2 rounded-full text-xs text-gray-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-600 disabled:cursor-not-allowed disabled:opacity-60"
    >
      <span
        aria-hidden
        className={cn(
          "relative inline-flex h-5 w-9 shrink-0 items-center rounded-full transition-colors",
          checked ? "bg-accent-600" : "bg-gray-300",
        )}
      >
        <span className={cn("inline-block size-4 rounded-full bg-white shadow transition-transform", checked ? "translate-x-4.5" : "translate-x-0.5")} />
      </span>
      {showLabel ? <span>{label}</span> : null}
    </button>
  );
}

/** A one-line form message: what went wrong with the last submit, or that it worked. */
export function FormMessage({ tone, children }: { tone: "error" | "success"; children: ReactNode }) {
  return (
    <p role={tone === "error" ? "alert" : "status"} className={cn("text-sm", tone === "error" ? "text-red-700" : "text-emerald-700")}>
      {children}
    </p>
  );
}
