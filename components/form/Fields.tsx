import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from "react";
import { useId } from "react";
import { cn } from "@/lib/ui/cn";

/** Form controls for the explorer, dashboard and playground: a visible label bound to its control (getByLabel-friendly). */

/** Without a height: inputs and selects add h-8, text areas grow with their rows (cn() does not merge conflicting classes). */
const controlBase =
  "w-full min-w-0 rounded-md border-0 bg-white px-2 text-sm text-gray-900 shadow-xs ring-1 ring-gray-300 ring-inset placeholder:text-gray-400 focus:ring-2 focus:ring-accent-600 focus:outline-none disabled:bg-gray-50 disabled:text-gray-500";
export const controlClasses = `h-8 ${controlBase}`;

export function Field({ label, hint, children, className }: { label: string; hint?: ReactNode; children: (id: string) => ReactNode; className?: string }) {
  const id = useId();
  return (
    <div className={cn("min-w-0", className)}>
      <label htmlFor={id} className="mb-1 block text-[11px] font-medium tracking-wide text-gray-500 uppercase">
        {label}
      </label>
      {children(id)}
      {hint ? <p className="mt-1 text-xs text-gray-500">{hint}</p> : null}
    </div>
  );
}

export function SelectField({
  label,
  options,
  className,
  ...props
}: { label: string; options: { value: string; label: string }[]; className?: string } & Omit<SelectHTMLAttributes<HTMLSelectElement>, "id">) {
  return (
    <Field label={label} className={className}>
      {(id) => (
        <select id={id} className={cn(controlClasses, "pr-7")} {...props}>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

export function TextField({ label, hint, className, ...props }: { label: string; hint?: ReactNode; className?: string } & Omit<InputHTMLAttributes<HTMLInputElement>, "id">) {
  return (
    <Field label={label} hint={hint} className={className}>
      {(id) => <input id={id} className={controlClasses} {...props} />}
    </Field>
  );
}

export function TextAreaField({ label, hint, className, ...props }: { label: string; hint?: ReactNode; className?: string } & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "id">) {
  return (
    <Field label={label} hint={hint} className={className}>
      {(id) => <textarea id={id} className={cn(controlBase, "py-1.5 leading-relaxed")} {...props} />}
    </Field>
  );
}

/** A row of toggle buttons for one choice (granularity, group by): a radio group to assistive tech. */
export function Segmented<T extends string>({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: T;
  options: { value: T; label: string }[];
  onChange: (v: T) => void;
}) {
  return (
    <div role="radiogroup" aria-label={label} className="min-w-0">
      <span aria-hidden className="mb-1 block text-[11px] font-medium tracking-wide text-gray-500 uppercase">
        {label}
      </span>
      <div className="inline-flex rounded-md bg-white shadow-xs ring-1 ring-gray-300 ring-inset">
        {options.map((o, i) => (
          <button
            key={o.value}
            type="button"
            role="radio"
            aria-checked={o.value === value}
            onClick={() => onChange(o.value)}
            className={cn(
              "h-8 px-3 text-sm whitespace-nowrap focus-visible:z-10 focus-visible:outline-2 focus-visible:outline-accent-600",
              i > 0 && "border-l border-gray-300",
              i === 0 && "rounded-l-md",
              i === options.length - 1 && "rounded-r-md",
              o.value === value ? "bg-gray-900 font-medium text-white" : "text-gray-700 hover:bg-gray-50",
            )}
          >
            {o.label}
          </button>
        ))}
      </div>
    </div>
  );
}
