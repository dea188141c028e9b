"use client";

import { useHealth } from "@/components/hooks/useHealth";
import { Banner } from "@/components/ui/Banner";

/**
 * Says plainly, on every page, when answers are not from Claude. Shown only
 * once /api/health confirms simulator mode: guessing would flash a wrong
 * banner on a production gateway.
 */
export function SimulatorBanner() {
  const { data } = useHealth();
  if (data?.mode !== "simulator") return null;
  return (
    <Banner tone="warning">
      <svg aria-hidden viewBox="0 0 16 16" className="mt-0.5 size-4 shrink-0 text-amber-600" fill="currentColor">
        <path d="M8 1.5a6.5 6.5 0 110 13 6.5 6.5 0 010-13zm0 3.25a.75.75 0 00-.75.75v3a.75.75 0 001.5 0v-3A.75.75 0 008 4.75zm0 6.5a.9.9 0 100-1.8.9.9 0 000 1.8z" />
      </svg>
      <p>
        <span className="font-medium">Simulator mode:</span> no ANTHROPIC_API_KEY is set, so answers come from the
        offline simulator.
      </p>
    </Banner>
  );
}
