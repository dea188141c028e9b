"use client";

import { useEffect, useRef, useState } from "react";
import { copyText } from "@/lib/ui/clipboard";
import { Button, type ButtonVariant } from "./Button";

type State = "idle" | "copied" | "failed";

/**
 * Copies `value`, which may differ from what is on screen: a snippet is shown
 * with the key masked and copied with the key in full.
 */
export function CopyButton({
  value,
  label = "Copy",
  title,
  size = "sm",
  variant = "secondary",
  className,
}: {
  value: string;
  label?: string;
  title?: string;
  size?: "sm" | "md";
  variant?: Extract<ButtonVariant, "secondary" | "ghost" | "inverse">;
  className?: string;
}) {
  const [state, setState] = useState<State>("idle");
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);

  async function onClick() {
    const ok = await copyText(value);
    setState(ok ? "copied" : "failed");
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => setState("idle"), 1600);
  }

  return (
    <Button size={size} variant={variant} onClick={onClick} title={title} className={className} aria-live="polite">
      <CopyIcon done={state === "copied"} inverse={variant === "inverse"} />
      <span>{state === "copied" ? "Copied" : state === "failed" ? "Copy failed" : label}</span>
    </Button>
  );
}

function CopyIcon({ done, inverse }: { done: boolean; inverse: boolean }) {
  return done ? (
    <svg aria-hidden viewBox="0 0 16 16" className={inverse ? "size-3.5 text-emerald-400" : "size-3.5 text-emerald-600"} fill="none" stroke="currentColor" strokeWidth="2">
      <path d="M3 8.5l3 3 7-7" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  ) : (
    <svg aria-hidden viewBox="0 0 16 16" className="size-3.5" fill="none" stroke="currentColor" strokeWidth="1.5">
      <rect x="5" y="5" width="8.5" height="8.5" rx="1.5" />
      <path d="M10.5 5V3.5A1.5 1.5 0 009 2H3.5A1.5 1.5 0 002 3.5V9a1.5 1.5 0 001.5 1.5H5" />
    </svg>
  );
}
