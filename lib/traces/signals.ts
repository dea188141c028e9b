/**
 * Signal extractor for thinking traces: finds hedges, assumptions,
 * self-corrections, alternatives and "stuck" phrases, with character offsets,
 * plus per-trace counts, densities and a 10-bin position profile (sparkline).
 *
 * How it works (linear time, no backtracking regexes):
 *  1. tokenize.ts splits the text in one pass into word / punctuation / code
 *     tokens (markdown code is one opaque token; identifiers such as
 *     "probably_cache", "actually-used", "obj.wait" are single words).
 *  2. A phrase trie over word tokens (built once from lexicon.ts) is walked
 *     from every word token; phrases are at most ~10 tokens, so this is
 *     O(tokens × max phrase length).
 *  3. Each phrase hit runs its context check, which looks at a bounded number
 *     of neighbouring tokens ("I think" must be followed by a clause, "wait"
 *     must be a discourse marker, "if we take X to be" scans ≤ 7 tokens ahead).
 *  4. Overlapping candidates are resolved (rule below) and spans are returned
 *     sorted by start.
 *
 * Overlap rule: when candidates overlap, the longer one (in characters) wins;
 * on equal length the more specific kind wins (self_correction > stuck >
 * alternative > assumption > hedge); then the earlier start. So "or maybe" is
 * an alternative (not the hedge "maybe"), "Wait, no" is one self-correction,
 * "that doesn't seem right" is a self-correction (not the hedge "seem"), and
 * "I'm not sure how to proceed" is stuck. Non-overlapping neighbours are all
 * kept ("Alternatively, maybe" gives an alternative and a hedge; "I think
 * maybe" two hedges, one per cue, as annotated corpora count them), except
 * that touching assumptions separated only by spaces or a single comma are
 * merged into one ("We can assume without loss of generality"), and so is a
 * "whether" / "if" with the doubt whose clause it opens ("I don't know
 * whether").
 *
 * Matching is case-insensitive, folds curly apostrophes (I’m), ignores markdown
 * emphasis (**Wait**) and skips code (fenced blocks and `inline code`).
 * Offsets are UTF-16 indices into the input string ([start, end)).
 */
import { detectCues, HEDGE_MODEL, type HedgeModel } from "./hedge-cues";
import * as lx from "./lexicon";
import type { Check, Match, SignalKind } from "./lexicon";
import * as tk from "./tokenize";
import type { Tokens } from "./tokenize";

// Local bindings: imported functions can compile to getter calls in hot loops.
const hashToken = tk.hashToken;
const nextIdx = tk.nextIdx;
const tokenEquals = tk.tokenEquals;
const tokenize = tk.tokenize;
const wd = tk.wd;

// Token types (mirrors tokenize.ts; local so hot loops don't go through import bindings).
const WORD = 0;
const CODE = 2;

export type { SignalKind } from "./lexicon";
export { SIGNAL_KINDS } from "./lexicon";

export interface Span {
  start: number;
  end: number;
  kind: SignalKind;
  text: string;
}

export interface SignalStats {
  chars: number;
  /** Word tokens outside code (the words the extractor reads). */
  words: number;
  counts: Record<SignalKind, number>;
  /** spans per 1,000 words */
  density: Record<SignalKind, number>;
  /** 10 bins over the text by character position: spans per 1,000 words in that bin, per kind and total */
  positionDensity: { total: number[]; byKind: Record<SignalKind, number[]> };
}

export const POSITION_BINS = 10;

/** Kinds by index; candidates carry the index. */
const KINDS: readonly SignalKind[] = lx.SIGNAL_KINDS;
const KIND_INDEX = Object.fromEntries(KINDS.map((k, i) => [k, i])) as Record<SignalKind, number>;
const PRIORITY_BY_INDEX: readonly number[] = KINDS.map((k) => lx.KIND_PRIORITY[k]);

// ---------------------------------------------------------------------------
// Trie.

interface CompiledRule {
  kindIndex: number;
  /** Index of its definition in the rules the trie was built from. */
  def: number;
  check: Check | undefined;
}

export interface TrieNode {
  /** The pattern token this node stands for (verified against the text on a hash hit). */
  tok: string;
  /** Children keyed by hashToken(child.tok); distinct tokens with one hash share a chain. */
  next: Map<number, TrieNode> | undefined;
  /** Another node whose token has the same hash (rare). */
  alt: TrieNode | undefined;
  rules: CompiledRule[];
}

function childFor(map: Map<number, TrieNode>, tok: string): TrieNode {
  const h = hashToken(tok);
  let node = map.get(h);
  for (let n = node; n; n = n.alt) if (n.tok === tok) return n;
  const fresh: TrieNode = { tok, next: undefined, alt: node, rules: [] };
  map.set(h, fresh);
  return fresh;
}

/** Child of `map` matching token i of the text, or undefined. */
function lookup(map: Map<number, TrieNode>, t: Tokens, i: number): TrieNode | undefined {
  for (let n = map.get(t.hash[i]!); n; n = n.alt) if (tokenEquals(t, i, n.tok)) return n;
  return undefined;
}

/** A pattern's pieces: literal text, and "{a|b|}" groups (not nested) as their alternatives. */
function patternParts(pattern: string): (string | string[])[] {
  const parts: (string | string[])[] = [];
  let i = 0;
  while (i < pattern.length) {
    const open = pattern.indexOf("{", i);
    if (open < 0) {
      parts.push(pattern.slice(i));
      break;
    }
    const close = pattern.indexOf("}", open);
    if (close < 0) throw new Error(`unclosed group in pattern: ${pattern}`);
    parts.push(pattern.slice(i, open), pattern.slice(open + 1, close).split("|"));
    i = close + 1;
  }
  return parts;
}

const phraseTokens = (phrase: string): string[] =>
  phrase.toLowerCase().replace(/[\u2019\u02bc]/g, "'").split(/\s+/).filter((x) => x.length > 0);

/** A phrase that starts or ends with a comma is dropped (an empty alternative left it dangling). */
const danglingComma = (toks: readonly string[]) => toks[0] === "," || toks[toks.length - 1] === ",";

/** Expand "{a|b|}" groups (not nested) into every combination, as token arrays. */
export function expandPattern(pattern: string): string[][] {
  let acc: string[] = [""];
  for (const p of patternParts(pattern)) {
    if (typeof p === "string") acc = acc.map((a) => a + p);
    else acc = acc.flatMap((a) => p.map((alt) => a + alt));
  }
  const out: string[][] = [];
  for (const phrase of acc) {
    const toks = phraseTokens(phrase);
    if (toks.length === 0 || danglingComma(toks)) continue;
    out.push(toks);
  }
  return out;
}

function addRule(node: TrieNode, rule: CompiledRule): void {
  if (!node.rules.includes(rule)) node.rules.push(rule);
}

/**
 * Adds every phrase of a pattern to the trie, walking its groups rather than
 * expanding them into strings first: the lexicon's 242 patterns stand for
 * ~24,000 phrases, and expanding them cold (as every process and the record
 * thread did at start) cost 150-400 ms of each start. Each piece is read into
 * tokens once and shared prefixes are inserted once. A group glued to a word
 * ("{this|it}'s") joins tokens across pieces, so such a pattern is expanded
 * as before. Returns the longest phrase, in tokens.
 */
function insertPattern(root: Map<number, TrieNode>, pattern: string, rule: CompiledRule): number {
  const glued = /[^\s]\{|\}[^\s]/.test(pattern);
  if (glued) {
    let longest = 0;
    for (const toks of expandPattern(pattern)) {
      longest = Math.max(longest, toks.length);
      let map = root;
      let node: TrieNode | undefined;
      for (const tok of toks) {
        node = childFor(map, tok);
        map = node.next ??= new Map();
      }
      if (node) addRule(node, rule);
    }
    return longest;
  }
  const pieces = patternParts(pattern).map((p) => (typeof p === "string" ? [phraseTokens(p)] : p.map(phraseTokens)));
  let longest = 0;
  const walk = (k: number, node: TrieNode | undefined, depth: number, first: string | undefined, last: string | undefined) => {
    if (k === pieces.length) {
      if (node && first !== "," && last !== ",") {
        addRule(node, rule);
        longest = Math.max(longest, depth);
      }
      return;
    }
    for (const toks of pieces[k]!) {
      if (first === undefined && toks[0] === ",") continue;
      let n = node;
      for (const tok of toks) n = childFor(n ? (n.next ??= new Map()) : root, tok);
      walk(k + 1, n, depth + toks.length, first ?? toks[0], toks.length ? toks[toks.length - 1] : last);
    }
  };
  walk(0, undefined, 0, undefined, undefined);
  return longest;
}

/** The lexicon's rules as one trie of their phrases (exported for its test). */
export function buildTrie(rules: readonly lx.RuleDef[] = lx.RULES): { root: Map<number, TrieNode>; maxLen: number } {
  const root = new Map<number, TrieNode>();
  let maxLen = 0;
  for (const [i, def] of rules.entries()) {
    const rule: CompiledRule = { kindIndex: KIND_INDEX[def.kind], def: i, check: def.check };
    for (const pattern of def.patterns) maxLen = Math.max(maxLen, insertPattern(root, pattern, rule));
  }
  return { root, maxLen };
}

const TRIE = buildTrie();
/** Longest phrase in the lexicon, in tokens (bounds the per-token work). */
export const MAX_PHRASE_TOKENS = TRIE.maxLen;

// ---------------------------------------------------------------------------
// Matching.

const ADJ_BEFORE_REJECT = new Set(["$", "@", ".", "/", "\\", "=", "#", "<"]);
const ADJ_AFTER_REJECT = new Set(["(", "=", "[", "/", "\\", "<", "{"]);
const QUOTES = new Set(["\"", "“", "”", "'", "‘", "’", "«", "»"]);


/** Candidates as parallel arrays (no object per candidate). */
interface Candidates {
  n: number;
  ts: number[];
  te: number[];
  kind: number[];
}

/** Generic rejections: code-like adjacency (`$maybe`, `wait(`) and quoted mentions ("the word "perhaps""). */
function genericOk(t: Tokens, s: number, e: number): boolean {
  const before = s - 1;
  const after = e + 1;
  const adjBefore = before >= 0 && t.sp[s] === 0 && t.type[before] !== WORD;
  const adjAfter = after < t.n && t.sp[after] === 0 && t.type[after] !== WORD;
  if (!adjBefore && !adjAfter) return true;
  if (adjBefore && ADJ_BEFORE_REJECT.has(wd(t, before))) return false;
  if (adjAfter && ADJ_AFTER_REJECT.has(wd(t, after))) return false;
  if (adjBefore && adjAfter && QUOTES.has(wd(t, before)) && QUOTES.has(wd(t, after))) return false;
  return true;
}

function findCandidates(t: Tokens): Candidates {
  const c: Candidates = { n: 0, ts: [], te: [], kind: [] };
  const m: Match = { s: 0, e: 0 };
  const root = TRIE.root;
  const { n, type } = t;
  for (let i = 0; i < n; i++) {
    if (type[i] !== WORD) continue;
    let node = lookup(root, t, i);
    let j = i;
    while (node) {
      const rules = node.rules;
      for (let r = 0; r < rules.length; r++) {
        const rule = rules[r]!;
        m.s = i;
        m.e = j;
        if (rule.check && !rule.check(t, m)) continue;
        if (!genericOk(t, m.s, m.e)) continue;
        c.ts.push(m.s);
        c.te.push(m.e);
        c.kind.push(rule.kindIndex);
        c.n++;
      }
      if (!node.next) break;
      const k = nextIdx(t, j);
      if (k >= n || type[k] === CODE) break;
      node = lookup(node.next, t, k);
      j = k;
    }
  }
  return c;
}

const LEN_CAP = (1 << 20) - 1;
const IDX_SCALE = 2 ** 30;

/** Kept spans in start order, as parallel arrays. */
interface Resolved {
  n: number;
  ts: Int32Array;
  te: Int32Array;
  kind: Uint8Array;
}

/**
 * Overlap resolution: longer (characters) wins, then the more specific kind,
 * then the earlier match. Sorting packs (rank, index) into one float64 so the
 * native numeric sort does the work (no comparator calls); kept spans are
 * recorded by start token and read back in text order (no second sort).
 */
function resolve(t: Tokens, c: Candidates): Resolved {
  const out: Resolved = { n: 0, ts: new Int32Array(c.n), te: new Int32Array(c.n), kind: new Uint8Array(c.n) };
  if (c.n === 0) return out;
  if (c.n > IDX_SCALE) throw new Error("too many candidates");
  const keys = new Float64Array(c.n);
  for (let i = 0; i < c.n; i++) {
    const len = Math.min(LEN_CAP, t.end[c.te[i]!]! - t.start[c.ts[i]!]!);
    const rank = (LEN_CAP - len) * 8 + (7 - PRIORITY_BY_INDEX[c.kind[i]!]!);
    keys[i] = rank * IDX_SCALE + i;
  }
  keys.sort();
  // used[k] = 1 + index of the candidate that owns token k (0 = free).
  const used = new Int32Array(t.n);
  outer: for (let r = 0; r < c.n; r++) {
    const i = keys[r]! % IDX_SCALE;
    const ts = c.ts[i]!;
    const te = c.te[i]!;
    for (let k = ts; k <= te; k++) if (used[k] !== 0) continue outer;
    for (let k = ts; k <= te; k++) used[k] = i + 1;
  }
  // Read kept spans back in text order. Adjacent assumptions separated only
  // by spaces or one comma are one premise ("We can assume without loss of
  // generality"). Hedges stay one span per cue, as annotated corpora count
  // them ("may suggest" and "I think maybe" are two cues each), except a
  // "whether" / "if" that opens the clause a doubt governs: "I don't know
  // whether" is one cue, as "It is unclear whether" is one lexicon phrase.
  // Self-corrections etc. stay separate: "Wait, that's not right" is a marker
  // plus a verdict.
  for (let k = 0; k < t.n; k++) {
    const owner = used[k]! - 1;
    if (owner < 0) continue;
    const ts = c.ts[owner]!;
    const te = c.te[owner]!;
    const kind = c.kind[owner]!;
    k = te;
    const last = out.n - 1;
    if (last >= 0 && out.kind[last] === kind && (kind === ASSUMPTION || (kind === HEDGE && ts === te && isComplementizer(t, ts))) && gapIsJoinable(t, out.te[last]!, ts)) {
      out.te[last] = te;
      continue;
    }
    out.ts[out.n] = ts;
    out.te[out.n] = te;
    out.kind[out.n] = kind;
    out.n++;
  }
  return out;
}
const HEDGE = KIND_INDEX.hedge;
const ASSUMPTION = KIND_INDEX.assumption;

/** "whether" or "if": the word that opens the clause a preceding doubt governs. */
function isComplementizer(t: Tokens, k: number): boolean {
  const w = wd(t, k);
  return w === "whether" || w === "if";
}

/** Tokens strictly between a and b are at most one comma, with no line break. */
function gapIsJoinable(t: Tokens, a: number, b: number): boolean {
  if (b - a > 2) return false;
  if (b - a === 2 && wd(t, a + 1) !== ",") return false;
  for (let k = a + 1; k <= b; k++) if (t.nl[k] === 1) return false;
  return true;
}

function zeroKinds<T>(make: () => T): Record<SignalKind, T> {
  return {
    hedge: make(),
    assumption: make(),
    self_correction: make(),
    alternative: make(),
    stuck: make(),
  };
}

function computeStats(text: string, t: Tokens, spans: Span[]): SignalStats {
  const chars = text.length;
  const words = t.words;
  const counts = zeroKinds(() => 0);
  for (const s of spans) counts[s.kind]++;
  const density = zeroKinds(() => 0);
  for (const k of KINDS) density[k] = words > 0 ? (counts[k] * 1000) / words : 0;

  // Bin k holds positions p with k·chars ≤ 10·p < (k+1)·chars. Tokens and spans
  // come in start order, so one forward-moving boundary suffices (no division per token).
  const binWords = new Array<number>(POSITION_BINS).fill(0);
  let b = 0;
  for (let i = 0; i < t.n; i++) {
    if (t.type[i] !== WORD) continue;
    const p10 = t.start[i]! * POSITION_BINS;
    while (b < POSITION_BINS - 1 && p10 >= (b + 1) * chars) b++;
    binWords[b]!++;
  }
  const binCounts = zeroKinds(() => new Array<number>(POSITION_BINS).fill(0));
  b = 0;
  for (const s of spans) {
    const p10 = s.start * POSITION_BINS;
    while (b < POSITION_BINS - 1 && p10 >= (b + 1) * chars) b++;
    binCounts[s.kind][b]!++;
  }
  const per1000 = (c: number, b: number): number => (binWords[b]! > 0 ? (c * 1000) / binWords[b]! : 0);
  const byKind = zeroKinds(() => new Array<number>(POSITION_BINS).fill(0));
  const total = new Array<number>(POSITION_BINS).fill(0);
  for (b = 0; b < POSITION_BINS; b++) {
    let all = 0;
    for (const k of KINDS) {
      const c = binCounts[k][b]!;
      all += c;
      byKind[k][b] = per1000(c, b);
    }
    total[b] = per1000(all, b);
  }
  return { chars, words, counts, density, positionDensity: { total, byKind } };
}

/**
 * Hedge candidates of the learned detector (hedge-cues.ts) join the lexicon's
 * candidates before overlap resolution, so the lexicon's longer or more
 * specific phrases ("or maybe", "let's assume", "I'm not sure") still win.
 */
function addLearnedHedges(t: Tokens, c: Candidates, model: HedgeModel): void {
  for (const hit of detectCues(t, model)) {
    if (!genericOk(t, hit.ts, hit.te)) continue;
    c.ts.push(hit.ts);
    c.te.push(hit.te);
    c.kind.push(HEDGE);
    c.n++;
  }
}

export function extractSignals(text: string, hedgeModel: HedgeModel = HEDGE_MODEL): { spans: Span[]; stats: SignalStats } {
  const t = tokenize(text);
  const c = findCandidates(t);
  addLearnedHedges(t, c, hedgeModel);
  const kept = resolve(t, c);
  const spans: Span[] = new Array<Span>(kept.n);
  for (let i = 0; i < kept.n; i++) {
    const start = t.start[kept.ts[i]!]!;
    const end = t.end[kept.te[i]!]!;
    spans[i] = { start, end, kind: KINDS[kept.kind[i]!]!, text: text.slice(start, end) };
  }
  return { spans, stats: computeStats(text, t, spans) };
}
