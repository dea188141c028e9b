/**
 * The settings page's "Add a price" form as data: what it holds (strings, as
 * typed), what it starts from, and the body it sends to POST /api/prices,
 * every field the API takes (lib/pricing/api.ts): the standard rates, the
 * long-context threshold and rates, the fast multiplier, the server tools'
 * fees and the source. Checked here against the API's own bounds, field by
 * field, so the form shows each problem next to its input before sending.
 */
import { longContextHalf } from "@/lib/pricing/long-context";
import type { PriceView } from "./settings";

export const RATE_FIELDS = ["input", "output", "cacheWrite5m", "cacheWrite1h", "cacheRead"] as const;
export const LONG_RATE_FIELDS = ["longInput", "longOutput", "longCacheWrite5m", "longCacheWrite1h", "longCacheRead"] as const;
export const FEE_FIELDS = ["webSearchFee", "webFetchFee"] as const;

type RateField = (typeof RATE_FIELDS)[number];
type LongRateField = (typeof LONG_RATE_FIELDS)[number];
type FeeField = (typeof FEE_FIELDS)[number];

export type PriceDraft = { model: string; effectiveFrom: string; longContextThreshold: string; fastMultiplier: string; source: string } & Record<RateField | LongRateField | FeeField, string>;
export type PriceDraftField = keyof PriceDraft;

/** The body of POST /api/prices. */
export type PriceBody = { model: string; effectiveFrom: string; longContextThreshold: number | null; fastMultiplier: number | null; source: string } & Record<RateField, number> &
  Record<LongRateField | FeeField, number | null>;

/** Labels, shared by the form and its messages. */
export const PRICE_LABELS: Record<RateField | LongRateField, string> = {
  input: "Input",
  output: "Output",
  cacheWrite5m: "Cache write 5m",
  cacheWrite1h: "Cache write 1h",
  cacheRead: "Cache read",
  longInput: "Long input",
  longOutput: "Long output",
  longCacheWrite5m: "Long cache write 5m",
  longCacheWrite1h: "Long cache write 1h",
  longCacheRead: "Long cache read",
};

/** The API's bounds (lib/pricing/api.ts). */
const MAX_RATE = 10_000;
const MAX_FEE = 100;
const MAX_FAST = 100;
const MAX_SOURCE = 2_000;
const MAX_MODEL = 200;

const str = (v: number | null | undefined) => (v === null || v === undefined ? "" : String(v));

/**
 * A new price's form: for a model that has a price in effect, every field of
 * that row (its long-context rates and fast multiplier included), so a new
 * price changes what it means to change and keeps the rest; otherwise empty.
 * The date is today's, the source empty (the API records who added it).
 */
export function priceDraft(model: string, today: string, current?: PriceView | null): PriceDraft {
  const c = current ?? null;
  return {
    model,
    effectiveFrom: today,
    input: str(c?.input),
    output: str(c?.output),
    cacheWrite5m: str(c?.cacheWrite5m),
    cacheWrite1h: str(c?.cacheWrite1h),
    cacheRead: str(c?.cacheRead),
    longContextThreshold: str(c?.longContextThreshold),
    longInput: str(c?.longInput),
    longOutput: str(c?.longOutput),
    longCacheWrite5m: str(c?.longCacheWrite5m),
    longCacheWrite1h: str(c?.longCacheWrite1h),
    longCacheRead: str(c?.longCacheRead),
    fastMultiplier: str(c?.fastMultiplier),
    webSearchFee: str(c?.webSearchFee),
    webFetchFee: str(c?.webFetchFee),
    source: "",
  };
}

export type PriceBodyResult = { ok: true; body: PriceBody } | { ok: false; errors: Partial<Record<PriceDraftField, string>> };

/** The form's body, or a message per field that the API would refuse (long rates without their threshold among them, and the reverse). */
export function priceBodyFromDraft(d: PriceDraft): PriceBodyResult {
  const errors: Partial<Record<PriceDraftField, string>> = {};
  const number = (field: PriceDraftField, raw: string, o: { required: boolean; min: number; max: number; whole?: boolean; what: string }): number | null => {
    const t = raw.trim();
    if (t === "") {
      if (o.required) errors[field] = `${o.what} is required`;
      return null;
    }
    const v = Number(t);
    if (!Number.isFinite(v)) errors[field] = `${o.what} is not a number`;
    else if (o.whole && !Number.isInteger(v)) errors[field] = `${o.what} is a whole number of tokens`;
    else if (v < o.min || v > o.max) errors[field] = `${o.what} is between ${o.min.toLocaleString("en-US")} and ${o.max.toLocaleString("en-US")}`;
    else return v;
    return null;
  };

  const model = d.model.trim();
  if (!model) errors.model = "the model is required";
  else if (model.length > MAX_MODEL) errors.model = `the model id is at most ${MAX_MODEL} characters`;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d.effectiveFrom) || Number.isNaN(Date.parse(`${d.effectiveFrom}T00:00:00.000Z`))) errors.effectiveFrom = "a date is required";

  const rate = (f: RateField | LongRateField, required: boolean) => number(f, d[f], { required, min: 0, max: MAX_RATE, what: `${PRICE_LABELS[f]} $/MTok` });
  const rates = Object.fromEntries(RATE_FIELDS.map((f) => [f, rate(f, true)])) as Record<RateField, number | null>;
  const long = Object.fromEntries(LONG_RATE_FIELDS.map((f) => [f, rate(f, false)])) as Record<LongRateField, number | null>;
  const threshold = number("longContextThreshold", d.longContextThreshold, { required: false, min: 1, max: Number.MAX_SAFE_INTEGER, whole: true, what: "the threshold" });
  const half = longContextHalf(d, (v) => typeof v === "string" && v.trim() !== "");
  if (half && "ratesWithoutThreshold" in half) {
    errors.longContextThreshold = "set the prompt size (tokens) past which the long-context rates apply: without it they never do";
  } else if (half) {
    errors.longContextThreshold = "set at least one long-context rate, or clear the threshold: without a rate, prompts past it bill at the standard rates";
  }
  const fastMultiplier = number("fastMultiplier", d.fastMultiplier, { required: false, min: 1, max: MAX_FAST, what: "the fast multiplier" });
  const fees = Object.fromEntries(FEE_FIELDS.map((f) => [f, number(f, d[f], { required: false, min: 0, max: MAX_FEE, what: "a fee per use" })])) as Record<FeeField, number | null>;
  const source = d.source.trim();
  if (source.length > MAX_SOURCE) errors.source = `the source is at most ${MAX_SOURCE.toLocaleString("en-US")} characters`;

  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    body: {
      model,
      // A date means its UTC midnight, as the seeded prices do.
      effectiveFrom: `${d.effectiveFrom}T00:00:00.000Z`,
      ...(rates as Record<RateField, number>),
      longContextThreshold: threshold,
      ...long,
      fastMultiplier,
      // Empty: no fee known, and a request that used the tool stays unpriced.
      ...fees,
      source,
    },
  };
}

/** The long-context part of a price row for the table: "> 200,000 tok: $6 / $22.5", or "none". */
export function longContextSummary(p: Pick<PriceView, "longContextThreshold" | "longInput" | "longOutput">): string {
  if (p.longContextThreshold === null) return "none";
  const r = (v: number | null) => (v === null ? "standard" : `$${v.toLocaleString("en-US", { maximumFractionDigits: 4 })}`);
  return `> ${p.longContextThreshold.toLocaleString("en-US")} tok: ${r(p.longInput)} / ${r(p.longOutput)}`;
}
