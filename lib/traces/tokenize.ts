/**
 * Single-pass tokenizer for thinking traces, used by the signal extractor
 * (signals.ts). Linear in the length of the text; no regular expressions on
 * the hot path.
 *
 * - Word tokens: runs of letters/digits. Inside a word, an apostrophe (' ’ ʼ)
 *   followed by a letter is kept ("I’m" -> "i'm"), and "-", "_" or "." between
 *   two word characters join ("actually-used", "probably_cache", "obj.wait",
 *   "re-examine" are single tokens, so they never match a phrase). camelCase
 *   identifiers are single tokens by construction.
 * - Every other visible character is a one-character punctuation token.
 * - Markdown code is skipped: fenced blocks (``` / ~~~, paired; an unclosed
 *   fence is ignored) and inline code spans (a backtick run closed by a run of
 *   the same length on the same line) become a single CODE token, so words in
 *   code are never matched and never counted as words.
 * Offsets are UTF-16 code-unit indices into the original string (JS indices).
 */

export const WORD = 0;
export const PUNCT = 1;
export const CODE = 2;
// Module-local copies: imported bindings can compile to getters, which are slow in hot loops.
const T_WORD = 0;
const T_PUNCT = 1;
const T_CODE = 2;
const HASH_CODE = -1; // never equal to a masked token hash

export interface Tokens {
  n: number;
  text: string;
  start: Int32Array;
  end: Int32Array;
  /**
   * 30-bit FNV-1a hash of the token's lower-cased text (curly apostrophes
   * folded to "'"), see hashToken(). The phrase trie is keyed by it, so
   * matching needs no per-token strings.
   */
  hash: Int32Array;
  type: Uint8Array;
  /** 1 when the whitespace before this token contains a line break. */
  nl: Uint8Array;
  /** 1 when there is whitespace between the previous token and this one. */
  sp: Uint8Array;
  /** Lazily filled token texts; read them with wd(). */
  w: (string | undefined)[];
  /** Number of WORD tokens. */
  words: number;
}

/** Lower-case one UTF-16 code unit for hashing/comparison (ASCII fast path; ’ ʼ -> '). */
export function foldCode(c: number): number {
  if (c < 128) return c >= 65 && c <= 90 ? c + 32 : c;
  if (c === 0x2019 || c === 0x2bc) return 39;
  let f = foldCache.get(c);
  if (f === undefined) {
    const l = String.fromCharCode(c).toLowerCase();
    f = l.length === 1 ? l.charCodeAt(0) : c;
    foldCache.set(c, f);
  }
  return f;
}
const foldCache = new Map<number, number>();

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 16777619;
const HASH_MASK = 0x3fffffff; // keep hashes small integers (fast Map keys)

/** Hash of a pattern token, equal to Tokens.hash of a text token with the same folded text. */
export function hashToken(tok: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < tok.length; i++) h = Math.imul(h ^ foldCode(tok.charCodeAt(i)), FNV_PRIME);
  return h & HASH_MASK;
}

/** The token's folded text equals `tok` (which must already be lower case). No allocation. */
export function tokenEquals(t: Tokens, i: number, tok: string): boolean {
  const s = t.start[i]!;
  const len = t.end[i]! - s;
  if (len !== tok.length) return false;
  const text = t.text;
  for (let k = 0; k < len; k++) {
    let c = text.charCodeAt(s + k);
    if (c >= 65 && c <= 90) c += 32;
    else if (c >= 128) c = foldCode(c);
    if (c !== tok.charCodeAt(k)) return false;
  }
  return true;
}

/** Token text: lower-cased word with "'" for apostrophes; the character for PUNCT; "`" for CODE. */
export function wd(t: Tokens, i: number): string {
  let w = t.w[i];
  if (w === undefined) {
    const type = t.type[i];
    if (type === T_CODE) w = "`";
    else if (type === T_PUNCT) w = t.text[t.start[i]!]!;
    else w = t.text.slice(t.start[i]!, t.end[i]!).toLowerCase().replace(/[\u2019\u02bc]/g, "'");
    t.w[i] = w;
  }
  return w;
}

function isWordCode(c: number): boolean {
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
  if (c < 0xc0) return c === 0xaa || c === 0xb5 || c === 0xba;
  if (c === 0xd7 || c === 0xf7) return false;
  if (c >= 0x2000 && c <= 0x2bff) return false; // general punctuation, arrows, math operators, box drawing...
  if (c >= 0x3000 && c <= 0x303f) return false; // CJK punctuation
  if (c >= 0xd800 && c <= 0xdfff) return false; // surrogates (emoji etc.)
  if (c >= 0xfe30 && c <= 0xfe4f) return false;
  if (c >= 0xff00 && c <= 0xff20) return false;
  if (c === 0xfeff) return false;
  return true;
}

function isSpaceCode(c: number): boolean {
  return (
    c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12 || c === 0xa0 ||
    (c >= 0x2000 && c <= 0x200b) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f ||
    c === 0x3000 || c === 0xfeff
  );
}

/**
 * Code ranges [start, end) of fenced code blocks and inline code spans, sorted
 * and disjoint. Linear: each line is visited once; inline backtick runs on a
 * line are paired with a per-length queue, so unmatched runs cost O(1) each.
 */
export function codeRanges(text: string): number[] {
  const n = text.length;
  // Pass 1: fenced blocks.
  const fences: number[] = [];
  let open = -1;
  let openChar = 0;
  let openLen = 0;
  for (let ls = 0; ls < n; ) {
    let le = text.indexOf("\n", ls);
    if (le < 0) le = n;
    let p = ls;
    while (p < le && p - ls < 3 && text.charCodeAt(p) === 32) p++;
    const c = text.charCodeAt(p);
    if (c === 96 || c === 126) {
      let q = p;
      while (q < le && text.charCodeAt(q) === c) q++;
      const len = q - p;
      if (len >= 3) {
        if (open < 0) {
          // A backtick fence's info string may not contain backticks.
          let ok = true;
          if (c === 96) for (let r = q; r < le; r++) if (text.charCodeAt(r) === 96) { ok = false; break; }
          if (ok) { open = ls; openChar = c; openLen = len; }
        } else if (c === openChar && len >= openLen) {
          let rest = true;
          for (let r = q; r < le; r++) if (!isSpaceCode(text.charCodeAt(r))) { rest = false; break; }
          if (rest) { fences.push(open, le); open = -1; }
        }
      }
    }
    ls = le + 1;
  }
  // Pass 2: inline code on lines outside fenced blocks.
  const out: number[] = [];
  let f = 0;
  const runPos: number[] = [];
  const runLen: number[] = [];
  // Next backtick at or after the current line; recomputed only when passed,
  // so lines without backticks cost O(1) (indexOf per line would be quadratic).
  let tick = text.indexOf("`");
  for (let ls = 0; ls < n; ) {
    if (f < fences.length && ls === fences[f]) {
      out.push(fences[f]!, fences[f + 1]!);
      ls = fences[f + 1]! + 1;
      f += 2;
      continue;
    }
    if (tick < 0) {
      // No backtick left: the rest of the text has no inline code.
      if (f >= fences.length) break;
      ls = fences[f]!;
      continue;
    }
    if (tick < ls) tick = text.indexOf("`", ls);
    let le = text.indexOf("\n", ls);
    if (le < 0) le = n;
    if (tick < 0 || tick >= le) {
      ls = le + 1;
      continue;
    }
    runPos.length = 0;
    runLen.length = 0;
    for (let p = tick; p >= 0 && p < le; ) {
      let q = p;
      while (q < le && text.charCodeAt(q) === 96) q++;
      runPos.push(p);
      runLen.push(q - p);
      p = text.indexOf("`", q);
      tick = p;
    }
    if (runPos.length > 1) {
      // For each run length, the indices of runs with that length, in order.
      const byLen = new Map<number, { idx: number[]; ptr: number }>();
      for (let k = 0; k < runPos.length; k++) {
        const L = runLen[k]!;
        let e = byLen.get(L);
        if (!e) byLen.set(L, (e = { idx: [], ptr: 0 }));
        e.idx.push(k);
      }
      for (let k = 0; k < runPos.length; ) {
        const e = byLen.get(runLen[k]!)!;
        while (e.ptr < e.idx.length && e.idx[e.ptr]! <= k) e.ptr++;
        if (e.ptr < e.idx.length) {
          const m = e.idx[e.ptr]!;
          out.push(runPos[k]!, runPos[m]! + runLen[m]!);
          k = m + 1;
        } else {
          k++;
        }
      }
    }
    ls = le + 1;
  }
  return out;
}

export function tokenize(text: string): Tokens {
  const n = text.length;
  // At most one token per character; typed arrays avoid per-push growth.
  const start = new Int32Array(n + 1);
  const end = new Int32Array(n + 1);
  const hash = new Int32Array(n + 1);
  const type = new Uint8Array(n + 1);
  const nlA = new Uint8Array(n + 1);
  const spA = new Uint8Array(n + 1);
  let words = 0;
  let k = 0;
  const code = codeRanges(text);
  let ci = 0;
  let nextCode = code.length > 0 ? code[0]! : -1;
  let nl = 0;
  let sp = 0;
  let i = 0;
  while (i < n) {
    if (i === nextCode) {
      start[k] = i;
      end[k] = code[ci + 1]!;
      hash[k] = HASH_CODE;
      type[k] = T_CODE;
      nlA[k] = nl;
      spA[k] = sp;
      k++;
      i = code[ci + 1]!;
      ci += 2;
      nextCode = ci < code.length ? code[ci]! : -1;
      nl = 0;
      sp = 0;
      continue;
    }
    const c = text.charCodeAt(i);
    if (c === 32 || c === 10 || (c < 128 ? c === 9 || c === 13 || c === 11 || c === 12 : isSpaceCode(c))) {
      if (c === 10 || c === 13 || c === 0x2028 || c === 0x2029) nl = 1;
      sp = 1;
      i++;
      continue;
    }
    const s = i;
    let h = FNV_OFFSET;
    if (isWordCode(c)) {
      h = Math.imul(h ^ foldCode(c), FNV_PRIME);
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d >= 97 && d <= 122) {
          h = Math.imul(h ^ d, FNV_PRIME);
          i++;
        } else if ((d >= 65 && d <= 90) || (d >= 48 && d <= 57) || (d >= 128 && isWordCode(d))) {
          h = Math.imul(h ^ foldCode(d), FNV_PRIME);
          i++;
        } else if ((d === 39 || d === 0x2019 || d === 0x2bc || d === 45 || d === 95 || d === 46) && i + 1 < n && isWordCode(text.charCodeAt(i + 1))) {
          // apostrophe inside a word (I'm), or an identifier joiner (actually-used, probably_cache, obj.wait)
          h = Math.imul(h ^ foldCode(d), FNV_PRIME);
          h = Math.imul(h ^ foldCode(text.charCodeAt(i + 1)), FNV_PRIME);
          i += 2;
        } else {
          break;
        }
      }
      type[k] = T_WORD;
      words++;
    } else {
      h = Math.imul(h ^ foldCode(c), FNV_PRIME);
      i++;
      type[k] = T_PUNCT;
    }
    start[k] = s;
    end[k] = i;
    hash[k] = h & HASH_MASK;
    nlA[k] = nl;
    spA[k] = sp;
    k++;
    nl = 0;
    sp = 0;
  }
  return { n: k, text, start, end, hash, type, nl: nlA, sp: spA, w: new Array<string | undefined>(k), words };
}

// ---------------------------------------------------------------------------
// Context helpers used by lexicon checks. "Transparent" tokens (markdown
// emphasis * _ ~) are skipped when looking at neighbours, so "**Wait**," reads
// like "Wait,".

export function isTransparent(t: Tokens, i: number): boolean {
  if (t.type[i] !== T_PUNCT) return false;
  const c = t.text.charCodeAt(t.start[i]!);
  return c === 42 || c === 95 || c === 126; // * _ ~
}

/** Index of the previous non-transparent token, or -1. */
export function prevIdx(t: Tokens, i: number): number {
  let j = i - 1;
  while (j >= 0 && isTransparent(t, j)) j--;
  return j;
}

/** Index of the next non-transparent token, or t.n. */
export function nextIdx(t: Tokens, i: number): number {
  let j = i + 1;
  while (j < t.n && isTransparent(t, j)) j++;
  return j;
}

/** A line break between token a (exclusive) and token b (inclusive). */
export function newlineBetween(t: Tokens, a: number, b: number): boolean {
  for (let k = a + 1; k <= b; k++) if (t.nl[k] === 1) return true;
  return false;
}

/** Token i starts a clause: text start, after a line break, or after punctuation. */
export function clauseStart(t: Tokens, i: number): boolean {
  const p = prevIdx(t, i);
  if (p < 0) return true;
  if (newlineBetween(t, p, i)) return true;
  return t.type[p] === T_PUNCT;
}

/** The previous token's text ("" at the start). */
export function prevW(t: Tokens, i: number): string {
  const p = prevIdx(t, i);
  return p < 0 ? "" : wd(t, p);
}

/** The next token's text ("" at the end). */
export function nextW(t: Tokens, i: number): string {
  const q = nextIdx(t, i);
  return q < t.n ? wd(t, q) : "";
}
