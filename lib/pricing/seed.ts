/**
 * The seeded price table (USD per million tokens), from
 * /work/shared/reference/anthropic-api.md §4.2–4.3 (snapshot late November 2026).
 *
 * Prices live in the database and are editable; this is only the first
 * content of the `Price` table. One row per model id and effective date:
 * dated ids (claude-sonnet-4-5-20250929) get their own row with the alias's
 * prices, so an edit to one is explicit rather than inherited by accident.
 *
 * Deliberately absent: claude-mythos-preview. No price was found for it, and a
 * guessed row would make it look priced; it must show as "unpriced".
 *
 * effectiveFrom is the launch date from §4.1 where the reference gives one,
 * else 2025-01-01 (a date before any request this gateway will record).
 * A request timed before a model's effectiveFrom finds no row and is unpriced.
 */

/**
 * A price row as the Prisma model `Price` holds it, minus id/createdAt.
 * Rates are USD per million tokens. `long*` rates apply to the whole request
 * (output included) when the prompt (input + cache reads + cache writes)
 * exceeds `longContextThreshold`.
 */
export interface PriceRow {
  model: string;
  effectiveFrom: Date;
  input: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  cacheRead: number;
  output: number;
  longContextThreshold: number | null;
  longInput: number | null;
  longCacheWrite5m: number | null;
  longCacheWrite1h: number | null;
  longCacheRead: number | null;
  longOutput: number | null;
  /** Multiplier on every rate for usage.speed "fast"; null = unknown (see cost.ts). */
  fastMultiplier: number | null;
  /**
   * USD per web search and per web fetch (usage.server_tool_use). None is
   * shipped (no price verified, anthropic-api.md §4.3): null until a
   * deployment sets it, and a request that used the tool is unpriced meanwhile.
   */
  webSearchFee: number | null;
  webFetchFee: number | null;
  source: string;
}

const DEFAULT_FROM = "2025-01-01";

/** UTC midnight, so a date means the same instant on every server. */
const day = (iso: string) => new Date(`${iso}T00:00:00.000Z`);

// Sources, as cited in the reference (§4.2 "Source" column; confidence O / D / 3P).
const REF = "anthropic-api.md §4.2";
const PRICING_PAGE = "https://platform.claude.com/docs/en/about-claude/pricing";
const FAST_UNVERIFIED = "fast multiplier UNVERIFIED (no official table, §4.3)";

interface Rates {
  input: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  cacheRead: number;
  output: number;
}

interface Extra {
  long?: { threshold: number } & Rates;
  fastMultiplier?: number;
}

function row(model: string, from: string, r: Rates, source: string, extra: Extra = {}): PriceRow {
  return {
    model,
    effectiveFrom: day(from),
    ...r,
    longContextThreshold: extra.long?.threshold ?? null,
    longInput: extra.long?.input ?? null,
    longCacheWrite5m: extra.long?.cacheWrite5m ?? null,
    longCacheWrite1h: extra.long?.cacheWrite1h ?? null,
    longCacheRead: extra.long?.cacheRead ?? null,
    longOutput: extra.long?.output ?? null,
    fastMultiplier: extra.fastMultiplier ?? null,
    webSearchFee: null,
    webFetchFee: null,
    source,
  };
}

const rates = (input: number, cacheWrite5m: number, cacheWrite1h: number, cacheRead: number, output: number): Rates => ({
  input,
  cacheWrite5m,
  cacheWrite1h,
  cacheRead,
  output,
});

// Rate cards shared by several ids.
const FABLE_5_2 = rates(8, 10, 16, 0.2, 40);
const FABLE_5_1 = rates(10, 12.5, 20, 0.25, 50);
const FABLE_5 = rates(10, 12.5, 20, 1.0, 50);
const OPUS_5 = rates(5, 6.25, 10, 0.5, 25); // also Opus 4.5–4.8
const SONNET_45_46 = rates(3, 3.75, 6, 0.3, 15);
const HAIKU_4_5 = rates(1, 1.25, 2, 0.1, 5);
const OPUS_4_1 = rates(15, 18.75, 30, 1.5, 75);

const HAIKU_5_5_SRC = `${REF} O (in/out/writes) https://platform.claude.com/docs/zh-CN/models/haiku-5-5/overview; 3P (cache read, long 1h write and long read) https://apidog.com/blog/how-to-use-claude-haiku-5-5-api/ and claudit v1.9.2 ("on every token of that request, output included")`;

export const PRICE_SEED: PriceRow[] = [
  // Fable / Mythos 5.2: third-party prices only; the official page was not in the corpus.
  row("claude-fable-5-2", "2026-11-09", FABLE_5_2, `${REF} 3P (official page not found): https://github.com/archid21/rightsize/releases/tag/v0.10.2 ; https://docs.apiyi.com/news/claude-fable-5-2-launch.md ; https://docs.laozhang.ai/en/announcements/claude-fable-5-2-2026-11.md`),
  row("claude-mythos-5-2", "2026-11-09", FABLE_5_2, `${REF} 3P: apiyi says priced exactly like Fable 5.2 (https://docs.apiyi.com/news/claude-fable-5-2-launch.md)`),
  // 5.1 launch dates are not in §4.1.
  row("claude-fable-5-1", DEFAULT_FROM, FABLE_5_1, `${REF} O: ${PRICING_PAGE}`),
  row("claude-mythos-5-1", DEFAULT_FROM, FABLE_5_1, `${REF} O: ${PRICING_PAGE}`),
  row("claude-fable-5", "2026-06-09", FABLE_5, `${REF} O: ${PRICING_PAGE}`),
  row("claude-mythos-5", "2026-06-09", FABLE_5, `${REF} O: ${PRICING_PAGE}`),

  // Opus 5.5 fast is quoted as $8/$40 against $4/$20 standard, i.e. 2×.
  row("claude-opus-5-5", "2026-09-22", rates(4, 5, 8, 0.2, 20), `${REF} O: https://platform.claude.com/docs/zh-CN/models/opus-5-5/overview ; ${FAST_UNVERIFIED}: 2× from $8/$40 fast, 3P apidog (as cited in §4.3)`, { fastMultiplier: 2 }),
  row("claude-opus-5", "2026-07-24", OPUS_5, `${REF} O: ${PRICING_PAGE} ; https://platform.claude.com/docs/en/models/opus-5/overview ; ${FAST_UNVERIFIED}: 2×, 3P https://github.com/krayong/ccsidekick/releases/tag/ccsidekick%401.6.4`, { fastMultiplier: 2 }),
  row("claude-opus-4-8", "2026-05-28", OPUS_5, `${REF} O: ${PRICING_PAGE} ; ${FAST_UNVERIFIED}: ~2×, 3P https://octavus.ai/docs/protocol/fast-mode`, { fastMultiplier: 2 }),
  row("claude-opus-4-7", "2026-04-16", OPUS_5, `${REF} O: ${PRICING_PAGE} ; ${FAST_UNVERIFIED}: ~6×, 3P https://octavus.ai/docs/protocol/fast-mode`, { fastMultiplier: 6 }),
  row("claude-opus-4-6", "2026-02-05", OPUS_5, `${REF} O: ${PRICING_PAGE} ; ${FAST_UNVERIFIED}: ~6×, 3P https://octavus.ai/docs/protocol/fast-mode`, { fastMultiplier: 6 }),
  row("claude-opus-4-5", DEFAULT_FROM, OPUS_5, `${REF} O: ${PRICING_PAGE}`),
  row("claude-opus-4-5-20251101", DEFAULT_FROM, OPUS_5, `${REF} O: ${PRICING_PAGE}`),

  // Sonnet 5.5: 0.20 cache read at launch (official overview), cut to 0.10 on
  // 2026-10-07 (third-party release notes). Two rows so history prices right.
  row("claude-sonnet-5-5", "2026-09-28", rates(2, 2.5, 4, 0.2, 10), `${REF} O: https://platform.claude.com/docs/zh-CN/models/sonnet-5-5/overview (cache read 0.20 at launch; no fast mode)`),
  row("claude-sonnet-5-5", "2026-10-07", rates(2, 2.5, 4, 0.1, 10), `${REF} O (in/out/writes): https://platform.claude.com/docs/zh-CN/models/sonnet-5-5/overview ; 3P (cache read cut to 0.10): https://github.com/TheKrush/PromptFuel/releases/tag/v1.0.23 ; https://github.com/kurofune/claudit/releases/tag/v1.9.2 ; https://docs.rs/synaps/0.10.2/synaps_cli/pricing/ (0.05×) ; no fast mode`),
  row("claude-sonnet-5", "2026-06-30", rates(2, 2.5, 4, 0.2, 10), `${REF} O: https://platform.claude.com/docs/zh-CN/models/sonnet-5/overview (planned rise to $3/$15 cancelled, 3P claudit v1.8.1)`),
  row("claude-sonnet-4-6", "2026-02-17", SONNET_45_46, `${REF} O (in/out), D (cache): https://platform.claude.com/docs/zh-CN/models/sonnet-4-6/overview.md`),
  row("claude-sonnet-4-5", DEFAULT_FROM, SONNET_45_46, `${REF} O (in/out), D (cache): https://platform.claude.com/docs/zh-CN/models/sonnet-4-5/overview.md (retires 2026-11-30)`),
  row("claude-sonnet-4-5-20250929", DEFAULT_FROM, SONNET_45_46, `${REF} O (in/out), D (cache): https://platform.claude.com/docs/zh-CN/models/sonnet-4-5/overview.md (retires 2026-11-30)`),

  // Haiku 5.5: past 100K prompt tokens the WHOLE request (output included) bills at the long rates.
  row("claude-haiku-5-5", "2026-10-07", rates(0.1, 0.125, 0.2, 0.01, 0.5), HAIKU_5_5_SRC, {
    long: { threshold: 100_000, ...rates(0.5, 0.625, 1.0, 0.05, 2.5) },
  }),
  row("claude-haiku-4-5", DEFAULT_FROM, HAIKU_4_5, `${REF} O (in/out), D (cache): https://platform.claude.com/docs/about-claude/models`),
  row("claude-haiku-4-5-20251001", DEFAULT_FROM, HAIKU_4_5, `${REF} O (in/out), D (cache): https://platform.claude.com/docs/about-claude/models`),

  // Retired on the Claude API and not in the SDK's Model type, but old
  // records and clients that pass the id as a string still need a price.
  row("claude-opus-4-1", DEFAULT_FROM, OPUS_4_1, `${REF} O: ${PRICING_PAGE} (retired)`),
  row("claude-opus-4", DEFAULT_FROM, OPUS_4_1, `${REF} O: ${PRICING_PAGE} (retired)`),
];
