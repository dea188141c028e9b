import type { ReactNode } from "react";
import { cn } from "@/lib/ui/cn";

type Tone = "info" | "warning" | "danger";

const TONES: Record<Tone, string> = {
  info: "border-accent-200 bg-accent-50 text-accent-900",
  warning: "border-amber-200 bg-amber-50 text-amber-900",
  danger: "border-red-200 bg-red-50 text-red-900",
};

/** A full-width notice under the nav, for facts about the whole app (e.g. simulator mode). */
export function Banner({ tone = "info", children, className }: { tone?: Tone; children: ReactNode; className?: string }) {
  return (
    <div role="status" className={cn("border-b px-4 py-2 text-sm", TONES[tone], className)}>
      <div className="mx-auto flex max-w-7xl items-start gap-2">{children}</div>
    </div>
  );
}
