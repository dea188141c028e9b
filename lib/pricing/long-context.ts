/**
 * A price's long-context rates and their threshold mean something only
 * together: rates without longContextThreshold never apply (isLongContext),
 * and past a threshold without any rate prompts bill at the standard rates.
 * One rule for the prices API, the configuration export and the settings
 * form; pure, so the form's bundle takes it too.
 */

/** The long-context rates, which apply past longContextThreshold. */
export const LONG_RATES = ["longInput", "longCacheWrite5m", "longCacheWrite1h", "longCacheRead", "longOutput"] as const;
export type LongRate = (typeof LONG_RATES)[number];

/**
 * The half of a long-context pair `p` holds without the other, or null for a
 * whole pair or none. `isSet` says whether a field holds a value (a number
 * not null for a price; a non-blank string for the form's draft).
 */
export function longContextHalf<P extends Record<LongRate | "longContextThreshold", unknown>>(
  p: P,
  isSet: (v: unknown) => boolean = (v) => v != null,
): { ratesWithoutThreshold: LongRate[] } | { thresholdWithoutRates: true } | null {
  const rates = LONG_RATES.filter((f) => isSet(p[f]));
  const threshold = isSet(p.longContextThreshold);
  if (rates.length > 0 && !threshold) return { ratesWithoutThreshold: rates };
  if (rates.length === 0 && threshold) return { thresholdWithoutRates: true };
  return null;
}
