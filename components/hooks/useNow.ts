"use client";

import { useEffect, useState } from "react";

/**
 * The current time, refreshed every `intervalMs`, so relative times ("42s
 * ago") keep moving even when a polled query returns the same data and React
 * Query (structural sharing) skips the re-render.
 */
export function useNow(intervalMs = 10_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(id);
  }, [intervalMs]);
  return now;
}
