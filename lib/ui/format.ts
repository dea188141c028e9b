/**
 * Display formatters for the UI. Pure functions, no React, no DOM: every page
 * formats money, tokens and time the same way, and the rules are unit-tested.
 *
 * The locale is pinned to en-US so that server and client render the same
 * text (a hydration mismatch otherwise) and numbers in screenshots and tests
 * are stable.
 */

const LOCALE = "en-US";

/** Shown where a cost is unknown because the model has no price. Never "$0". */
export const UNPRICED = "unpriced";

/** Shown for a value that is missing or not a finite number. */
export const MISSING = "—";

const usdCents = new Intl.NumberFormat(LOCALE, {
  style: "currency",
  currency: "USD",
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});

const usdUnderOneDollar = new Intl.NumberFormat(LOCALE, {
  style: "currency",
  currency: "USD",
  minimumFractionDigits: 2,
  maximumFractionDigits: 4,
});

// Four significant digits: a single Haiku request costs a few hundredths of a
// cent, and rounding it to "$0.00" would read as "free".
const usdSubCent = new Intl.NumberFormat(LOCALE, {
  style: "currency",
  currency: "USD",
  minimumSignificantDigits: 4,
  maximumSignificantDigits: 4,
});

/** Below this a cost is shown as "<$0.000001": one token at $1/MTok. */
const SMALLEST_SHOWN_USD = 0.000001;

/**
 * Formats a USD amount.
 *
 * - `null`/`undefined` (no price for the model) → "unpriced", never "$0".
 * - below one cent → four significant digits ("$0.0004520").
 * - below one dollar → up to four decimals ("$0.0123", "$0.50").
 * - otherwise → cents ("$12.35", "$1,234.50").
 * - exactly 0 → "$0.00": a known zero (e.g. a request rejected before it was
 *   sent upstream) is not the same as an unknown cost.
 */
export function formatUsd(value: number | null | undefined): string {
  if (value === null || value === undefined) return UNPRICED;
  if (!Number.isFinite(value)) return MISSING;
  if (value === 0) return usdCents.format(0);
  const abs = Math.abs(value);
  if (abs < SMALLEST_SHOWN_USD) return value < 0 ? ">-$0.000001" : "<$0.000001";
  if (abs < 0.01) return usdSubCent.format(value);
  if (abs < 1) return usdUnderOneDollar.format(value);
  return usdCents.format(value);
}

const integer = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat(LOCALE, { notation: "compact", maximumFractionDigits: 1 });

/**
 * Formats a token count: "1,234". With `compact`, large counts shorten
 * ("12.3K", "4.5M") for tight cells; counts below 10,000 stay exact because
 * a thinking budget of 8,000 vs 8,192 matters to the reader.
 */
export function formatTokens(value: number | null | undefined, opts: { compact?: boolean } = {}): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return MISSING;
  if (opts.compact && Math.abs(value) >= 10_000) return compact.format(value);
  return integer.format(Math.round(value));
}

/**
 * Formats a duration in milliseconds: "842 ms", "1.24 s", "12.5 s", "2m 05s",
 * "1h 02m". Latencies of reasoning requests span four orders of magnitude, so
 * the unit follows the value.
 */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return MISSING;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 10) return `${seconds.toFixed(2)} s`;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const totalSeconds = Math.round(seconds);
  if (totalSeconds < 3600) {
    const m = Math.floor(totalSeconds / 60);
    const s = totalSeconds % 60;
    return `${m}m ${String(s).padStart(2, "0")}s`;
  }
  const totalMinutes = Math.round(totalSeconds / 60);
  const h = Math.floor(totalMinutes / 60);
  const m = totalMinutes % 60;
  return `${h}h ${String(m).padStart(2, "0")}m`;
}

const shortDate = new Intl.DateTimeFormat(LOCALE, { month: "short", day: "numeric" });
const shortDateWithYear = new Intl.DateTimeFormat(LOCALE, { month: "short", day: "numeric", year: "numeric" });

function toDate(value: string | number | Date): Date {
  return value instanceof Date ? value : new Date(value);
}

/**
 * Formats a moment relative to `now`: "just now", "42s ago", "5m ago", "3h ago",
 * "2d ago"; older than a week, the date ("Nov 25", or "Nov 25, 2025" in another
 * year). A moment slightly in the future (clock skew between the gateway and
 * the browser) reads "just now" rather than "in 2s".
 */
export function formatRelativeTime(value: string | number | Date, now: number | Date = Date.now()): string {
  const date = toDate(value);
  const t = date.getTime();
  if (Number.isNaN(t)) return MISSING;
  const nowDate = toDate(now);
  const diffSeconds = Math.round((nowDate.getTime() - t) / 1000);
  if (diffSeconds < 5) return diffSeconds < -60 ? formatTimestamp(date) : "just now";
  if (diffSeconds < 60) return `${diffSeconds}s ago`;
  const minutes = Math.floor(diffSeconds / 60);
  if (minutes < 60) return `${minutes}m ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h ago`;
  const days = Math.floor(hours / 24);
  if (days < 7) return `${days}d ago`;
  return date.getFullYear() === nowDate.getFullYear() ? shortDate.format(date) : shortDateWithYear.format(date);
}

function pad2(n: number): string {
  return String(n).padStart(2, "0");
}

/**
 * An absolute local timestamp, "2026-11-25 21:54:03", for tooltips next to a
 * relative time. ISO-like so it sorts and reads the same in every locale.
 */
export function formatTimestamp(value: string | number | Date): string {
  const d = toDate(value);
  if (Number.isNaN(d.getTime())) return MISSING;
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}
