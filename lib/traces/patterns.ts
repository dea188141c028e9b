/**
 * Patterns across traces, as pure functions over stored records: hedge and
 * assumption rates per route, app and day; recurring assumptions, normalised
 * and clustered, phrased as prompt-improvement suggestions; and the hedge
 * position profile of failures.
 *
 * Assumptions are normalised when a record is built (assumptionKeys), from
 * the redacted thinking, so a trace whose text was sampled out still counts,
 * and the patterns API never re-reads thinking text.
 */
import type { Span } from "./signals";

/** At most this many assumption keys are kept per trace. */
export const MAX_KEYS_PER_TRACE = 8;
/** Words kept in a key: the premise, not the whole sentence. */
const MAX_KEY_WORDS = 8;
/** How far around a span to look for its sentence. */
const CLAUSE_REACH = 300;

// ---------------------------------------------------------------------------
// Normalisation.

const ARTICLES = new Set(["a", "an", "the"]);

/** Trimmed from both ends of a key ("assuming that we keep the input sorted for now" → "keep input sorted"). */
const EDGE_STOP = new Set(
  (
    "that this these those it its it's we i i'm i'll you they he she us our my me there here " +
    "is are was were be been being am for now so also just then and or but to of in on at by with as from " +
    "can will would should could may might must let's lets let do does did some any still already really " +
    "probably maybe perhaps presumably likely fine ok okay actually again too even if when what which who " +
    "user's users' everything something anything about " +
    // the assumption markers themselves, when a clause repeats them
    "assume assumes assuming assumed suppose supposing presumably given"
  ).split(" "),
);

/** Words that end a premise ("the list is sorted, so binary search works" keeps "list is sorted"). */
const CLAUSE_BREAK = new Set(["but", "so", "because", "since", "although", "though", "which", "then", "otherwise", "unless", "while", "whereas"]);

const PLACEHOLDER = /^<[a-z]+>$/;

/**
 * The premise an assumption span introduces: the rest of its clause ("Assuming
 * [the input is sorted], ..."), or, when the marker ends its clause ("The
 * input is sorted, presumably."), the clause before it.
 */
export function assumptionClause(text: string, span: Pick<Span, "start" | "end">): string {
  // A clause ends at a sentence end, a semicolon or a line break, and (going forward) at ", " or ": ".
  const stop = (i: number, commas = true): boolean => {
    const c = text[i]!;
    if (c === "\n" || c === ";" || c === "!" || c === "?") return true;
    if (c === "." || (commas && (c === "," || c === ":"))) return i + 1 >= text.length || /\s/.test(text[i + 1]!);
    return false;
  };
  let end = span.end;
  const hi = Math.min(text.length, span.end + CLAUSE_REACH);
  while (end < hi && !stop(end)) end++;
  const after = text.slice(span.end, end);
  if (/[A-Za-z0-9].*\s+\S*[A-Za-z0-9]/.test(after.trim())) return after;
  let start = span.start;
  const lo = Math.max(0, span.start - CLAUSE_REACH);
  while (start > lo && !stop(start - 1, false)) start--;
  return text.slice(start, span.start);
}

const REDACTED = /\[redacted:[^\]\s]{1,40}\]/g;
const QUOTED = /"[^"\n]{0,80}"|\u201c[^\u201d\n]{0,80}\u201d|`[^`\n]{0,80}`|(?<![\w'])'[^'\n]{1,80}'(?![\w'])|\u2018[^\u2019\n]{1,80}\u2019/g;
/** Dotted paths, snake_case, camelCase, PascalCase with inner capitals, letters+digits, calls. */
const IDENTIFIER =
  /(?<![\w$<])(?:[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+|[A-Za-z$]*_[\w$]+|[a-z]+[A-Z][\w$]*|[A-Z][a-z]+[A-Z][\w$]*|[A-Za-z]+\d[\w]*)(?:\(\))?(?![\w$])/g;
const NUMBER = /[$€£]?\d+(?:[.,:/]\d+)*%?/g;
const WORDS = /<[a-z]+>|[a-z](?:[a-z'-]*[a-z])?/g;

/**
 * A key for an assumption's premise: lower-cased; quoted strings, identifiers
 * and numbers become <str>, <id> and <num>; articles dropped; stop-words
 * trimmed from both ends; cut at a clause break; at most 8 words. Null when
 * nothing meaningful is left.
 *
 *   "the input is sorted"                     → "input is sorted"
 *   "that `config.json` has 3 entries for now" → "<str> has <num> entries"
 */
export function normaliseAssumption(clause: string): string | null {
  const marked = clause
    .replace(REDACTED, " <redacted> ")
    .replace(QUOTED, " <str> ")
    .replace(IDENTIFIER, " <id> ")
    .replace(NUMBER, " <num> ")
    .replace(/[\u2019\u02bc]/g, "'")
    .toLowerCase();
  let words = (marked.match(WORDS) ?? []).filter((w) => !ARTICLES.has(w));
  // Cut at a clause break ("and" only once the premise has some body).
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if ((CLAUSE_BREAK.has(w) && i >= 2) || (w === "and" && i >= 3)) {
      words = words.slice(0, i);
      break;
    }
  }
  words = trimEdges(words);
  if (words.length > MAX_KEY_WORDS) words = trimEdges(words.slice(0, MAX_KEY_WORDS));
  if (words.length < 2 || !words.some((w) => !EDGE_STOP.has(w) && !PLACEHOLDER.test(w))) return null;
  return words.join(" ");
}

function trimEdges(words: string[]): string[] {
  let s = 0;
  let e = words.length;
  while (s < e && EDGE_STOP.has(words[s]!)) s++;
  while (e > s && EDGE_STOP.has(words[e - 1]!)) e--;
  return words.slice(s, e);
}

/** The normalised premises of a text's assumption spans, distinct, in order, at most MAX_KEYS_PER_TRACE. */
export function assumptionKeys(text: string, spans: readonly Span[]): string[] {
  const keys: string[] = [];
  for (const span of spans) {
    if (span.kind !== "assumption") continue;
    const key = normaliseAssumption(assumptionClause(text, span));
    if (key && !keys.includes(key)) keys.push(key);
    if (keys.length >= MAX_KEYS_PER_TRACE) break;
  }
  return keys;
}

// ---------------------------------------------------------------------------
// Clustering.

/** The words that carry meaning, for similarity (placeholders count: "<num> retries" is not "retries"). */
export function contentTokens(key: string): string[] {
  return [...new Set(key.split(" ").filter((w) => !EDGE_STOP.has(w)))];
}

export function jaccard(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 && b.length === 0) return 1;
  const sb = new Set(b);
  let inter = 0;
  for (const x of a) if (sb.has(x)) inter++;
  return inter / (a.length + b.length - inter);
}

export interface TraceKeys {
  id: string;
  keys: readonly string[];
  /** The trace's failure score, when it has one (averaged per cluster). */
  failureScore?: number | null;
}

export interface AssumptionCluster {
  /** The most frequent phrasing. */
  key: string;
  /** Other phrasings merged into it (up to 3). */
  variants: string[];
  /** Distinct traces that make this assumption. */
  traces: number;
  /** Up to `examples` trace ids, in input order (newest first when the input is). */
  examples: string[];
  /** Mean failure score of its traces that have one; null when none has. */
  meanFailureScore: number | null;
}

export interface ClusterOptions {
  /** Token-set (Jaccard) similarity at or above which two keys merge. */
  similarity?: number;
  /** Clusters compared per key, at most: bounds the work on adversarial input. */
  maxCandidates?: number;
  examples?: number;
}

/**
 * Groups traces by assumption: exact keys first, then near-duplicates merge
 * into the cluster of a more frequent key when their content-token sets have
 * Jaccard similarity ≥ 0.8 ("inputs are sorted" / "input list is sorted" do
 * not; "input is sorted ascending" / "input is sorted in ascending order" do).
 *
 * Linear-ish: keys are visited most frequent first, and a key is compared
 * only with clusters that share one of its rarest tokens (prefix filtering:
 * sets with Jaccard ≥ t must share one of the first |A| − ⌈t·|A|⌉ + 1 tokens
 * of each in a global rarity order), and with at most maxCandidates of them.
 */
export function clusterAssumptions(traces: readonly TraceKeys[], opts: ClusterOptions = {}): AssumptionCluster[] {
  const t = opts.similarity ?? 0.8;
  const maxCandidates = opts.maxCandidates ?? 64;
  const maxExamples = opts.examples ?? 3;

  // Exact keys → the traces (input positions) that mention them.
  const byKey = new Map<string, number[]>();
  traces.forEach((tr, pos) => {
    for (const k of new Set(tr.keys)) {
      const list = byKey.get(k);
      if (list) list.push(pos);
      else byKey.set(k, [pos]);
    }
  });
  const keys = [...byKey.keys()].sort((a, b) => byKey.get(b)!.length - byKey.get(a)!.length || (a < b ? -1 : a > b ? 1 : 0));

  // Global token rarity (how many distinct keys use a token), for prefix filtering.
  const tokens = new Map<string, string[]>();
  const df = new Map<string, number>();
  for (const k of keys) {
    const toks = contentTokens(k);
    tokens.set(k, toks);
    for (const w of toks) df.set(w, (df.get(w) ?? 0) + 1);
  }
  const byRarity = (a: string, b: string) => df.get(a)! - df.get(b)! || (a < b ? -1 : a > b ? 1 : 0);
  const prefix = (toks: string[]) => [...toks].sort(byRarity).slice(0, toks.length - Math.ceil(t * toks.length) + 1);

  interface Draft {
    key: string;
    toks: string[];
    members: string[];
    positions: Set<number>;
  }
  const clusters: Draft[] = [];
  const index = new Map<string, number[]>();
  for (const k of keys) {
    const toks = tokens.get(k)!;
    let best = -1;
    let bestSim = t;
    if (toks.length > 0) {
      const seen = new Set<number>();
      outer: for (const w of prefix(toks)) {
        for (const c of index.get(w) ?? []) {
          if (seen.has(c)) continue;
          seen.add(c);
          const sim = jaccard(toks, clusters[c]!.toks);
          if (sim >= bestSim && (best < 0 || sim > bestSim)) {
            best = c;
            bestSim = sim;
          }
          if (seen.size >= maxCandidates) break outer;
        }
      }
    }
    const positions = byKey.get(k)!;
    if (best >= 0) {
      const c = clusters[best]!;
      c.members.push(k);
      for (const p of positions) c.positions.add(p);
      continue;
    }
    const id = clusters.length;
    clusters.push({ key: k, toks, members: [], positions: new Set(positions) });
    for (const w of prefix(toks)) {
      const list = index.get(w);
      if (list) list.push(id);
      else index.set(w, [id]);
    }
  }

  return clusters
    .map((c) => {
      const ordered = [...c.positions].sort((a, b) => a - b);
      const scores = ordered.map((p) => traces[p]!.failureScore).filter((x): x is number => typeof x === "number");
      return {
        key: c.key,
        variants: c.members.slice(0, 3),
        traces: ordered.length,
        examples: ordered.slice(0, maxExamples).map((p) => traces[p]!.id),
        meanFailureScore: scores.length ? Math.round((scores.reduce((a, b) => a + b, 0) / scores.length) * 1e4) / 1e4 : null,
      };
    })
    .sort((a, b) => b.traces - a.traces || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

// ---------------------------------------------------------------------------
// Read models over stored records.

export interface TraceRow {
  id: string;
  createdAt: Date;
  routeId: string | null;
  routeName: string | null;
  app: string | null;
  /** Null when the record had no thinking text. */
  hedgeDensity: number | null;
  assumptionDensity: number | null;
  /** JSON array of keys, as stored. */
  assumptionKeys: string | null;
  /** Probability that the answer is wrong; null on records from before the score. */
  failureScore?: number | null;
}

export interface RateRow {
  /** UTC day, YYYY-MM-DD. */
  day: string;
  routeId: string | null;
  routeName: string | null;
  app: string | null;
  /** Records with thinking text in this group. */
  traces: number;
  /** Share of traces with at least one hedge / assumption in the thinking. */
  hedgeRate: number;
  assumptionRate: number;
  /** Mean per 1,000 words of thinking. */
  meanHedgeDensity: number;
  meanAssumptionDensity: number;
  /** Mean failure score of the group's scored traces; null when none is scored. */
  meanFailureScore: number | null;
}

const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Hedge and assumption rates per UTC day, route and app. */
export function rateSeries(rows: readonly TraceRow[]): RateRow[] {
  interface Acc {
    day: string;
    routeId: string | null;
    routeName: string | null;
    app: string | null;
    n: number;
    hedged: number;
    assumed: number;
    hedgeSum: number;
    assumptionSum: number;
    failureSum: number;
    scored: number;
  }
  const groups = new Map<string, Acc>();
  for (const r of rows) {
    if (r.hedgeDensity === null) continue;
    const day = r.createdAt.toISOString().slice(0, 10);
    const gk = JSON.stringify([day, r.routeId, r.app]);
    let g = groups.get(gk);
    if (!g) groups.set(gk, (g = { day, routeId: r.routeId, routeName: r.routeName, app: r.app, n: 0, hedged: 0, assumed: 0, hedgeSum: 0, assumptionSum: 0, failureSum: 0, scored: 0 }));
    const a = r.assumptionDensity ?? 0;
    g.n++;
    if (r.hedgeDensity > 0) g.hedged++;
    if (a > 0) g.assumed++;
    g.hedgeSum += r.hedgeDensity;
    g.assumptionSum += a;
    if (typeof r.failureScore === "number") {
      g.failureSum += r.failureScore;
      g.scored++;
    }
  }
  const cmp = (a: string | null, b: string | null) => (a ?? "").localeCompare(b ?? "");
  return [...groups.values()]
    .map((g) => ({
      day: g.day,
      routeId: g.routeId,
      routeName: g.routeName,
      app: g.app,
      traces: g.n,
      hedgeRate: round(g.hedged / g.n),
      assumptionRate: round(g.assumed / g.n),
      meanHedgeDensity: round(g.hedgeSum / g.n, 2),
      meanAssumptionDensity: round(g.assumptionSum / g.n, 2),
      meanFailureScore: g.scored ? round(g.failureSum / g.scored) : null,
    }))
    .sort((a, b) => a.day.localeCompare(b.day) || cmp(a.routeId, b.routeId) || cmp(a.app, b.app));
}

export interface AssumptionPattern extends AssumptionCluster {
  routeId: string | null;
  routeName: string | null;
  /** traces / traces with thinking on the route in the window. */
  share: number;
  /** Traces with thinking on the route in the window (the share's denominator). */
  scopeTraces: number;
  suggestion: string;
}

export interface RecurringOptions extends ClusterOptions {
  /** A cluster needs at least this many traces to be recurring. */
  minTraces?: number;
  /** Clusters reported per route. */
  perRoute?: number;
  /** Named in the suggestion when the query was for one app. */
  app?: string;
}

function parseKeys(json: string | null): string[] {
  if (!json) return [];
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? v.filter((k): k is string => typeof k === "string") : [];
  } catch {
    return [];
  }
}

export function routeLabel(routeId: string | null, routeName: string | null): string {
  return routeId === null ? "(no route)" : routeName && routeName !== routeId ? `${routeId} (${routeName})` : routeId;
}

export function suggestionFor(share: number, key: string, routeId: string | null, routeName: string | null, app?: string): string {
  const pct = Math.max(1, Math.round(share * 100));
  const scope = `route ${routeLabel(routeId, routeName)}${app ? ` in app ${app}` : ""}`;
  return `${pct}% of traces on ${scope} assume '${key}' — state it in the prompt`;
}

/** Recurring assumptions per route, as suggestions, most common first. */
export function recurringAssumptions(rows: readonly TraceRow[], opts: RecurringOptions = {}): AssumptionPattern[] {
  const minTraces = opts.minTraces ?? 2;
  const perRoute = opts.perRoute ?? 10;
  const byRoute = new Map<string, { routeId: string | null; routeName: string | null; traces: TraceKeys[] }>();
  for (const r of rows) {
    if (r.hedgeDensity === null) continue;
    const k = r.routeId ?? "\u0000";
    let g = byRoute.get(k);
    if (!g) byRoute.set(k, (g = { routeId: r.routeId, routeName: r.routeName, traces: [] }));
    g.traces.push({ id: r.id, keys: parseKeys(r.assumptionKeys), failureScore: r.failureScore ?? null });
  }
  const out: AssumptionPattern[] = [];
  for (const g of byRoute.values()) {
    const scopeTraces = g.traces.length;
    for (const c of clusterAssumptions(g.traces, opts).filter((c) => c.traces >= minTraces).slice(0, perRoute)) {
      const share = round(c.traces / scopeTraces);
      out.push({ ...c, routeId: g.routeId, routeName: g.routeName, share, scopeTraces, suggestion: suggestionFor(share, c.key, g.routeId, g.routeName, opts.app) });
    }
  }
  return out.sort((a, b) => b.share - a.share || b.traces - a.traces || a.key.localeCompare(b.key));
}

// ---------------------------------------------------------------------------
// Position profiles (the failure view).

export interface SignalProfile {
  /** All signals per 1,000 words, per tenth of the thinking. */
  total: number[];
  /** Hedges per 1,000 words, per tenth. */
  hedge: number[];
}

export function parseProfile(json: string | null): SignalProfile | null {
  if (!json) return null;
  try {
    const v = JSON.parse(json) as Partial<SignalProfile>;
    if (!Array.isArray(v.total) || !Array.isArray(v.hedge)) return null;
    return { total: v.total.map(Number), hedge: v.hedge.map(Number) };
  } catch {
    return null;
  }
}

/** The tenth of the trace where hedging peaked (the first on a tie), or null when it never hedged. */
export function peakBin(bins: readonly number[]): number | null {
  let best = -1;
  let max = 0;
  bins.forEach((v, i) => {
    if (v > max) {
      max = v;
      best = i;
    }
  });
  return best < 0 ? null : best;
}
