"use client";

import { useState, type ClipboardEvent, type KeyboardEvent } from "react";
import { cn } from "@/lib/ui/cn";
import type { ControlProps } from "./Form";

/**
 * A list of short values typed one by one: Enter or a comma adds what was
 * typed, Backspace in an empty box removes the last, a pasted list with
 * commas or new lines adds each entry. What is left in the box is added when
 * it loses focus, so clicking Save right after typing keeps it.
 */
export function TagInput({
  value,
  onChange,
  placeholder,
  disabled,
  control,
  itemLabel = "value",
}: {
  value: string[];
  onChange: (next: string[]) => void;
  placeholder?: string;
  disabled?: boolean;
  control: ControlProps;
  /** What one entry is called, for the remove buttons' names ("Remove task math"). */
  itemLabel?: string;
}) {
  const [text, setText] = useState("");

  function add(raw: string) {
    const parts = raw
      .split(/[,\n]/)
      .map((p) => p.trim())
      .filter(Boolean);
    if (!parts.length) return;
    const next = [...value];
    for (const p of parts) if (!next.some((v) => v.toLowerCase() === p.toLowerCase())) next.push(p);
    onChange(next);
    setText("");
  }

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (e.key === "Enter" || e.key === ",") {
      e.preventDefault();
      add(text);
    } else if (e.key === "Backspace" && !text && value.length) {
      onChange(value.slice(0, -1));
    }
  }

  function onPaste(e: ClipboardEvent<HTMLInputElement>) {
    const pasted = e.clipboardData.getData("text");
    if (/[,\n]/.test(pasted)) {
      e.preventDefault();
      add(text + pasted);
    }
  }

  return (
    <div
      className={cn(
        "flex min-h-8 flex-wrap items-center gap-1 rounded-md bg-white px-1.5 py-1 shadow-xs ring-1 ring-inset focus-within:ring-2 focus-within:ring-accent-600",
        control["aria-invalid"] ? "ring-red-400" : "ring-gray-300",
        disabled && "bg-gray-50",
      )}
    >
      {value.map((v) => (
        <span key={v} className="inline-flex max-w-full items-center gap-0.5 rounded bg-gray-100 py-0.5 pr-0.5 pl-1.5 text-xs text-gray-800">
          <span className="truncate">{v}</span>
          {disabled ? null : (
            <button
              type="button"
              aria-label={`Remove ${itemLabel} ${v}`}
              onClick={() => onChange(value.filter((x) => x !== v))}
              className="rounded px-1 text-gray-500 hover:bg-gray-200 hover:text-gray-900 focus-visible:outline-2 focus-visible:outline-accent-600"
            >
              ×
            </button>
          )}
        </span>
      ))}
      {disabled ? (
        value.length ? null : <span className="px-1 text-xs text-gray-400">any</span>
      ) : (
        <input
          {...control}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={onKeyDown}
          onPaste={onPaste}
          onBlur={() => add(text)}
          placeholder={value.length ? "" : placeholder}
          className="h-6 min-w-24 flex-1 border-0 bg-transparent px-1 text-sm text-gray-900 placeholder:text-gray-400 focus:outline-none"
        />
      )}
    </div>
  );
}
