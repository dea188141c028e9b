"use client";

import { useRef, type KeyboardEvent } from "react";
import { cn } from "@/lib/ui/cn";

/**
 * Segmented tabs (WAI-ARIA tabs pattern: arrow keys move, one tab stop).
 * The caller renders the panel; `id`s are not wired because panels here are
 * shown by state, not kept mounted side by side.
 */
export function Tabs({
  tabs,
  active,
  onChange,
  label,
  className,
}: {
  tabs: { id: string; label: string }[];
  active: string;
  onChange: (id: string) => void;
  label: string;
  className?: string;
}) {
  const refs = useRef<Record<string, HTMLButtonElement | null>>({});

  function onKeyDown(e: KeyboardEvent) {
    if (e.key !== "ArrowRight" && e.key !== "ArrowLeft") return;
    const i = tabs.findIndex((t) => t.id === active);
    const next = tabs[(i + (e.key === "ArrowRight" ? 1 : -1) + tabs.length) % tabs.length];
    if (!next) return;
    onChange(next.id);
    refs.current[next.id]?.focus();
  }

  return (
    <div role="tablist" aria-label={label} onKeyDown={onKeyDown} className={cn("inline-flex rounded-md bg-gray-100 p-0.5", className)}>
      {tabs.map((t) => (
        <button
          key={t.id}
          ref={(el) => {
            refs.current[t.id] = el;
          }}
          type="button"
          role="tab"
          aria-selected={active === t.id}
          tabIndex={active === t.id ? 0 : -1}
          onClick={() => onChange(t.id)}
          className={cn(
            "rounded px-3 py-1 text-sm font-medium whitespace-nowrap transition-colors focus-visible:outline-2 focus-visible:outline-accent-600",
            active === t.id ? "bg-white text-gray-900 shadow-xs" : "text-gray-600 hover:text-gray-900",
          )}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}
