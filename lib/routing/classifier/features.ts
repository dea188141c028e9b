/**
 * Feature extraction for the reasoning-worthiness classifier.
 *
 * A prompt becomes a sparse vector in a fixed space of DIM = 2^HASH_BITS hashed
 * slots followed by STRUCT_NAMES.length dense structural slots:
 *
 *  - word unigrams and bigrams (lower-cased; every digit maps to "0", so "2024"
 *    and "1999" are the same token "0000": numbers count as a shape, never as
 *    values a dataset happens to use); symbols such as ? = { } ( ) are tokens
 *    too, and CJK / kana / hangul characters are one token each; function
 *    words (STOP) appear in bigrams only;
 *  - character 4-grams of each word padded with "<" and ">" (catches
 *    "debugg", "vulner", "optimi" across inflections and typos);
 *  - instruction zones: the unigrams and bigrams of the first ZONE_TOKENS
 *    tokens ("lead:") and the unigrams of the last ZONE_TOKENS ("tail:"), in
 *    their own hash families, because the instruction ("Summarize...",
 *    "...why does it fail?") weighs more than the material it wraps;
 *  - structural features: length bins, code fences and code-looking lines,
 *    stack traces, numbers and arithmetic, list items, question marks, cue-word
 *    counts per class from lexicon.ts (overall and in the lead zone), an
 *    "instruction + pasted context" shape, a few crosses (a standard ask
 *    wrapped around code, numbers or a stack trace; a creative brief full of
 *    constraint words), and the need for several steps whatever the layout:
 *    the ask's sentence count and quantities given with a question or an
 *    operation asked for (numbers on answer-option lines are choices, not
 *    quantities);
 *  - given material (materialRange): when a short task instruction
 *    ("Summarize in two sentences:", "Return JSON ... for:") or a question
 *    precedes material the prompt hands over, or closes it as the last
 *    paragraph ("<article>\n\nWhen did it reopen?"), or labelled sections tell
 *    the two apart ("Context: ...\nQuestion: ..."), numbers, arithmetic and cue
 *    words are counted on the ask only, numbers in the material become one
 *    "<value>" token, the instruction zones are taken from the ask, and
 *    task_on_material marks the shape: figures in a text to summarise are
 *    values to carry over, not a calculation asked for.
 *
 * Each n-gram family is binary (presence) and L2-normalised (every present
 * feature of a family weighs 1/sqrt(number present)), so a long prompt does not
 * score higher just because it has more words.
 *
 * Cost is linear and bounded, and extraction reads the caller's string in
 * place (lower-casing through a table) without copying it. The token pass
 * (n-grams and cue counts) reads the whole text up to WINDOW_HEAD +
 * WINDOW_TAIL characters, otherwise only the first WINDOW_HEAD and the last
 * WINDOW_TAIL characters, because a long prompt is nearly always an
 * instruction wrapped around pasted material (the question sits at the start
 * or the end). Character 4-grams are taken from the first CHAR_HEAD and last
 * CHAR_TAIL characters only. The structural scan reads at most the first
 * STRUCT_HEAD and last STRUCT_TAIL characters (length uses the full length).
 * A 100,000-character prompt therefore costs a 32k-character scan plus a
 * 16k-character token pass, like any longer one. (The longest training
 * prompt has 19k characters, so these bounds never cut training data.)
 *
 * Hashes are FNV-1a over UTF-16 code units, finalised with murmur3's fmix32
 * and a per-family seed: stable across platforms and Node versions.
 */
import { CUES, type CueClass } from "./lexicon";

export const HASH_BITS = 18;
export const DIM = 1 << HASH_BITS;
const MASK = DIM - 1;

/** Token pass window: the whole text up to 16k characters, else its first 12k and last 4k. */
export const WINDOW_HEAD = 12_000;
export const WINDOW_TAIL = 4_000;
/** Character 4-grams: from the first 3k and the last 1k characters. */
export const CHAR_HEAD = 3_000;
export const CHAR_TAIL = 1_000;
/** Structural scan: the whole text up to 32k characters, else its first 24k and last 8k. */
export const STRUCT_HEAD = 24_000;
export const STRUCT_TAIL = 8_000;
const MAX_TOKEN = 40; // longer runs (base64, hashes) are truncated for hashing

export const STRUCT_NAMES = [
  "len_log",
  "len_lt60",
  "len_60_200",
  "len_200_800",
  "len_800_3000",
  "len_gt3000",
  "lines_log",
  "code_fences",
  "code_lines_log",
  "code_line_ratio",
  "stack_trace",
  "numbers_log",
  "number_density",
  "arithmetic_ops",
  "list_items_log",
  "questions_log",
  "multi_question",
  "cue_derive",
  "cue_debug",
  "cue_design",
  "cue_security",
  "cue_plan",
  "cue_constraint",
  "cue_code",
  "cue_technical",
  "cue_math",
  "cue_creative",
  "cue_standard",
  "cue_greeting",
  "context_block",
  "short_instruction_long_context",
  "lead_derive",
  "lead_debug",
  "lead_design",
  "lead_security",
  "lead_plan",
  "lead_code",
  "lead_technical",
  "lead_math",
  "lead_creative",
  "lead_standard",
  "lead_greeting",
  "standard_ask_on_code",
  "standard_ask_on_numbers",
  "standard_ask_on_trace",
  "creative_ask_with_constraints",
  "choice_options",
  "task_on_material",
  "sentences_log",
  "quantities_asked",
] as const;
export type StructName = (typeof STRUCT_NAMES)[number];
export const N_STRUCT = STRUCT_NAMES.length;
/** Total width of the weight vector (hashed slots, then structural slots). */
export const N_FEATURES = DIM + N_STRUCT;
const S = Object.fromEntries(STRUCT_NAMES.map((n, i) => [n, i])) as Record<StructName, number>;

/** Raw counts behind the structural features; also used by the difficulty tier rule. */
export interface Structure {
  chars: number;
  lines: number;
  words: number;
  codeFences: number;
  codeLines: number;
  stackTrace: boolean;
  numbers: number;
  arithmeticOps: number;
  listItems: number;
  /** Lines laid out as answer options: "A. ...", "(B) ...", "C) ...". */
  optionLines: number;
  questions: number;
  cues: Record<CueClass, number>;
  /** Cue counts among the first ZONE_TOKENS tokens. */
  leadCues: Record<CueClass, number>;
  contextBlock: boolean;
  /** Material the prompt provides, after or before a task instruction ("Summarize in two sentences: <text>") or a question, or in labelled sections; see materialRange. */
  material: MaterialKind;
  /** Numbers, arithmetic expressions and cue counts outside that material: what the prompt asks, not what it hands over. */
  askNumbers: number;
  askArithmeticOps: number;
  askCues: Record<CueClass, number>;
  /** Sentences of the ask (ended by . ! ? and a space, a line end or the end of the text), given material aside. */
  askSentences: number;
  /** Numbers of the ask on answer-option lines ("B. 40 km/h"): choices offered, not quantities to work with. */
  optionNumbers: number;
}

// ---------------------------------------------------------------- hashing

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const SEED_UNI = 0x9e3779b1;
const SEED_BI = 0x85ebca6b;
const SEED_CHAR = 0xc2b2ae35;
const SEED_LEAD = 0x27d4eb2f;
const SEED_TAIL = 0x165667b1;

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a of a string, as the tokenizer computes it for a token. */
export function fnv1a(s: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return h >>> 0;
}

const uniIndex = (h: number) => fmix(h ^ SEED_UNI) & MASK;
const biIndex = (h1: number, h2: number) => fmix(Math.imul(h1, 0x27d4eb2f) ^ h2 ^ SEED_BI) & MASK;
const cueBigramKey = (h1: number, h2: number) => fmix(Math.imul(h1, 0x165667b1) ^ h2) | 0;

// ------------------------------------------------------- character classes

/** 1 = word char, 2 = symbol token, 3 = CJK-like char (a token on its own), 0 = separator. */
const CLASS = new Uint8Array(0x10000);
(function buildClasses() {
  for (let c = 48; c <= 57; c++) CLASS[c] = 1;
  for (let c = 97; c <= 122; c++) CLASS[c] = 1;
  for (let c = 65; c <= 90; c++) CLASS[c] = 1; // text is read through LOWER; kept for safety
  CLASS[95] = 1; // _
  for (let c = 0xc0; c < 0x2e80; c++) CLASS[c] = 1;
  CLASS[0xd7] = 0;
  CLASS[0xf7] = 0;
  for (let c = 0x2000; c < 0x2070; c++) CLASS[c] = 0; // general punctuation (quotes, dashes)
  for (let c = 0x2e80; c < 0xa000; c++) CLASS[c] = 3; // CJK, kana, hangul radicals
  for (let c = 0xac00; c < 0xd7b0; c++) CLASS[c] = 3; // hangul syllables
  for (const ch of "?={}()[]<>$%+*/`#:;|&!~^\\") CLASS[ch.charCodeAt(0)] = 2;
})();

/**
 * Lower-case mapping per UTF-16 code unit (where lower-casing gives one code
 * unit), so extraction reads the caller's string in place instead of copying
 * a lower-cased window: less garbage, fewer GC pauses inside a decision.
 */
const LOWER = new Uint16Array(0x10000);
(function buildLower() {
  for (let c = 0; c < 0x10000; c++) {
    if (c >= 0xd800 && c < 0xe000) {
      LOWER[c] = c; // surrogates
      continue;
    }
    const l = String.fromCharCode(c).toLowerCase();
    LOWER[c] = l.length === 1 ? l.charCodeAt(0) : c;
  }
})();

// -------------------------------------------------------- cue lookup table

const CUE_CLASSES = Object.keys(CUES) as CueClass[];
const CUE_BITS = 12;
const CUE_MASK = (1 << CUE_BITS) - 1;
/** Open-addressing table: key = token hash (unigram) or pair key (bigram), value = bitmask of cue classes. */
const cueKeys = new Int32Array(1 << CUE_BITS);
const cueVals = new Int32Array(1 << CUE_BITS); // 0 = empty slot
(function buildCueTable() {
  const put = (key: number, cls: number) => {
    let slot = fmix(key) & CUE_MASK;
    for (;;) {
      if (cueVals[slot] === 0) {
        cueKeys[slot] = key;
        cueVals[slot] = 1 << cls;
        return;
      }
      if (cueKeys[slot] === key) {
        cueVals[slot]! |= 1 << cls;
        return;
      }
      slot = (slot + 1) & CUE_MASK;
    }
  };
  CUE_CLASSES.forEach((cls, ci) => {
    for (const phrase of CUES[cls]) {
      const toks = tokenizeForLexicon(phrase);
      if (toks.length === 1) put(fnv1a(toks[0]!) | 0, ci);
      else if (toks.length === 2) put(cueBigramKey(fnv1a(toks[0]!), fnv1a(toks[1]!)), ci);
      else throw new Error(`lexicon phrase must be one or two tokens: "${phrase}"`);
    }
  });
})();

function cueLookup(key: number): number {
  let slot = fmix(key) & CUE_MASK;
  for (;;) {
    const v = cueVals[slot]!;
    if (v === 0) return 0;
    if (cueKeys[slot] === key) return v;
    slot = (slot + 1) & CUE_MASK;
  }
}

/** Splits a lexicon phrase the way the tokenizer does (apostrophes split words; CJK characters stand alone; digits become 0). */
export function tokenizeForLexicon(phrase: string): string[] {
  const out: string[] = [];
  let cur = "";
  for (const ch of phrase.toLowerCase()) {
    let code = ch.charCodeAt(0);
    const cls = CLASS[code]!;
    if (cls === 1) {
      if (code >= 48 && code <= 57) code = 48;
      cur += String.fromCharCode(code);
      continue;
    }
    if (cur) out.push(cur);
    cur = "";
    if (cls === 2 || cls === 3) out.push(ch);
  }
  if (cur) out.push(cur);
  return out;
}

// ------------------------------------------------------------ scratch space

// Reused between calls: the hot path allocates only a few small objects per call.
let cap = 4096;
let outIdx = new Int32Array(cap);
let outVal = new Float32Array(cap);
let outFam = new Uint8Array(cap);
const stampUni = new Int32Array(DIM);
const stampBi = new Int32Array(DIM);
const stampChar = new Int32Array(DIM);
const stampZone = new Int32Array(DIM);
let generation = 0;
let nOut = 0;
/** Families: 0 word unigrams, 1 word bigrams, 2 char 4-grams, 3 lead zone, 4 tail zone. */
const famCount = [0, 0, 0, 0, 0];
const tokBuf = new Uint16Array(MAX_TOKEN + 2);
/** Tokens at the start and end of the prompt, where the instruction usually is. */
export const ZONE_TOKENS = 16;
/** Characters at the end of the text read first when naming features (equal to CHAR_TAIL, so tail char 4-grams are named there). */
const NAME_TAIL = 1_000;
const tailHashes = new Uint32Array(ZONE_TOKENS);
const tailStart = new Int32Array(ZONE_TOKENS);
const tailLen = new Int32Array(ZONE_TOKENS);
const cueCounts = new Int32Array(CUE_CLASSES.length);
/** Cue counts outside the given material (all of the text when there is none). */
const askCueCounts = new Int32Array(CUE_CLASSES.length);
const TASK = CUE_CLASSES.indexOf("task");
const DERIVE = CUE_CLASSES.indexOf("derive");
const DEBUG = CUE_CLASSES.indexOf("debug");
/** Cue counts within the lead zone (the first ZONE_TOKENS tokens): where the instruction verb usually is. */
const leadCueCounts = new Int32Array(CUE_CLASSES.length);

function grow(): void {
  cap *= 2;
  const i = new Int32Array(cap);
  i.set(outIdx);
  outIdx = i;
  const v = new Float32Array(cap);
  v.set(outVal);
  outVal = v;
  const f = new Uint8Array(cap);
  f.set(outFam);
  outFam = f;
}

function push(index: number, fam: number): void {
  if (nOut === cap) grow();
  outIdx[nOut] = index;
  outFam[nOut] = fam;
  nOut++;
  famCount[fam]!++;
}

/** Optional naming hook for explanations: index -> readable feature name. */
type Namer = { want: Set<number>; names: Map<number, string>; remaining: number };

function nameOf(start: number, len: number): string {
  let s = "";
  for (let i = start; i < start + len; i++) s += String.fromCharCode(tokBuf[i]!);
  return s;
}

/** A token's normalised text (digits as 0, truncated like the hash), rebuilt from the text only when a name is needed. */
function tokenText(text: string, start: number, len: number): string {
  let s = "";
  for (let i = start; i < start + len; i++) {
    const c = LOWER[text.charCodeAt(i)]!;
    s += String.fromCharCode(c >= 48 && c <= 57 ? 48 : c);
  }
  return s;
}

// ------------------------------------------------------------- token pass

/** Up to two [start, end) ranges of the text: the whole text, or its head and its tail. */
type Segments = [number, number, number, number];
/**
 * Given material: [start, end) of the text ([0, 0]: none), the kind of ask
 * that goes with it (see materialRange), and, when several labelled sections
 * are material ("Document 1: ...\nQuestion: ...\nDocument 2: ..."), the
 * further [start, end) pairs after the first, in order.
 */
type Material = [start: number, end: number, kind: MaterialKind, more?: number[]];
export type MaterialKind = "none" | "task" | "question";

/** Position i lies in the given material. */
function inMaterial(material: Material, i: number): boolean {
  if (i >= material[0] && i < material[1]) return true;
  const more = material[3];
  if (more === undefined) return false;
  for (let k = 0; k < more.length && more[k]! <= i; k += 2) if (i < more[k + 1]!) return true;
  return false;
}

/**
 * Function words emit no unigram, character 4-gram or zone unigram, only
 * bigrams ("how many", "why does"): on their own they say how a benchmark
 * writes (a word problem's "at", "and", "one", a role-play's "my") rather
 * than what is asked, and a short request full of them read as a word
 * problem. (Chosen by leave-one-source-out; see the README.)
 */
const STOP = new Set(
  "a an the and or but of to in on at for with by from as is are was were be been being it its this that these those i you he she we they my your his her our their me him us them have has had do does did so there"
    .split(" ")
    .map(fnv1a),
);

/** The token a number inside given material becomes: a value handed over, not the shape of a calculation. */
const VALUE_HASH = fnv1a("<value>");
const VALUE_NAME = "<value>";

/**
 * Walks the text's segments (lower-casing through LOWER), emits n-gram
 * features into the scratch buffers and counts cue words. The boundary
 * between two segments separates tokens (a bigram may span it). charRanges
 * bound where character 4-grams are taken (two [start, end) ranges).
 *
 * Inside the given material (`material`, see materialRange) a
 * number is the token VALUE_HASH, cue words count only towards the whole
 * text's counts, and tokens are not part of the instruction zones: the lead
 * and tail zones are the first and last ZONE_TOKENS tokens of the rest.
 */
function tokenPass(text: string, seg: Segments, charRanges: Segments, material: Material, namer?: Namer): number {
  let prevHash = 0;
  let havePrev = false;
  let prevStart = 0;
  let prevLen = 0;
  let prevValue = false;
  let prevGiven = false;
  let words = 0;
  /** Tokens outside the material. */
  let tokens = 0;
  const name = (start: number, len: number, value: boolean) => (value ? VALUE_NAME : tokenText(text, start, len));
  for (let part = 0; part < 4; part += 2) {
    const n = seg[part + 1]!;
    let i = seg[part]!;
    while (i < n) {
      const c = LOWER[text.charCodeAt(i)]!;
      const cls = CLASS[c]!;
      if (cls === 0) {
        i++;
        continue;
      }
      let h = FNV_OFFSET;
      let len = 0;
      let digits = 0;
      const start = i;
      if (cls === 1) {
        // A word: letters, digits (as 0), underscore.
        while (i < n) {
          let d = LOWER[text.charCodeAt(i)]!;
          if (CLASS[d] !== 1) break;
          if (d >= 48 && d <= 57) d = 48;
          if (len < MAX_TOKEN) {
            if (d === 48) digits++;
            h ^= d;
            h = Math.imul(h, FNV_PRIME);
            tokBuf[len + 1] = d;
            len++;
          }
          i++;
        }
        words++;
      } else {
        // A symbol or a CJK character: a one-character token.
        h ^= c;
        h = Math.imul(h, FNV_PRIME);
        tokBuf[1] = c;
        len = 1;
        i++;
      }
      h >>>= 0;
      const given = inMaterial(material, start);
      const value = given && digits === len;
      if (value) h = VALUE_HASH;
      const lead = !given && tokens < ZONE_TOKENS;
      const stop = STOP.has(h);

      // unigram
      const u = uniIndex(h);
      if (!stop && stampUni[u] !== generation) {
        stampUni[u] = generation;
        push(u, 0);
        if (namer?.want.has(u)) nameIt(namer, u, `word:${name(start, len, value)}`);
      }
      // bigram
      if (havePrev) {
        const b = biIndex(prevHash, h);
        if (stampBi[b] !== generation) {
          stampBi[b] = generation;
          push(b, 1);
          if (namer?.want.has(b)) nameIt(namer, b, `bigram:${name(prevStart, prevLen, prevValue)} ${name(start, len, value)}`);
        }
        const cb = cueLookup(cueBigramKey(prevHash, h));
        if (cb !== 0) addCues(cb, lead, !given);
      }
      const cu = cueLookup(h | 0);
      if (cu !== 0) addCues(cu, lead, !given);

      // character 4-grams of words inside the char ranges
      if (cls === 1 && len >= 2 && !value && !stop && ((start >= charRanges[0] && start < charRanges[1]) || (start >= charRanges[2] && start < charRanges[3]))) {
        tokBuf[0] = 60; // "<"
        tokBuf[len + 1] = 62; // ">"
        const total = len + 2;
        for (let k = 0; k + 4 <= total; k++) {
          let g = FNV_OFFSET ^ SEED_CHAR;
          g = Math.imul(g ^ tokBuf[k]!, FNV_PRIME);
          g = Math.imul(g ^ tokBuf[k + 1]!, FNV_PRIME);
          g = Math.imul(g ^ tokBuf[k + 2]!, FNV_PRIME);
          g = Math.imul(g ^ tokBuf[k + 3]!, FNV_PRIME);
          const ci = fmix(g) & MASK;
          if (stampChar[ci] !== generation) {
            stampChar[ci] = generation;
            push(ci, 2);
            if (namer?.want.has(ci)) nameIt(namer, ci, `chars:${nameOf(k, 4)}`);
          }
        }
      }
      // instruction zones: the first ZONE_TOKENS tokens (unigrams and bigrams),
      // and (after the loop) the last ZONE_TOKENS tokens (unigrams), material aside
      if (lead) {
        const li = fmix(h ^ SEED_LEAD) & MASK;
        if (!stop && zone(li, 3) && namer?.want.has(li)) nameIt(namer, li, `lead:${name(start, len, false)}`);
        // a bigram of the ask's own tokens, not one spanning material before it
        if (havePrev && !prevGiven) {
          const lb = fmix(Math.imul(prevHash, 0x27d4eb2f) ^ h ^ SEED_LEAD ^ SEED_BI) & MASK;
          if (zone(lb, 3) && namer?.want.has(lb)) nameIt(namer, lb, `lead:${name(prevStart, prevLen, prevValue)} ${name(start, len, false)}`);
        }
      }
      if (!given) {
        const slot = tokens % ZONE_TOKENS;
        tailHashes[slot] = h;
        tailStart[slot] = start;
        tailLen[slot] = len;
        tokens++;
      }
      prevStart = start;
      prevLen = len;
      prevValue = value;
      prevGiven = given;
      prevHash = h;
      havePrev = true;
      if (namer && namer.remaining <= 0) return words; // explaining: every wanted name found
    }
  }
  const nTail = Math.min(tokens, ZONE_TOKENS);
  for (let k = 0; k < nTail; k++) {
    if (STOP.has(tailHashes[k]!)) continue;
    const ti = fmix(tailHashes[k]! ^ SEED_TAIL) & MASK;
    if (zone(ti, 4) && namer?.want.has(ti)) nameIt(namer, ti, `tail:${tokenText(text, tailStart[k]!, tailLen[k]!)}`);
  }
  return words;
}

/** Emits a zone feature once per extraction; true when it was new. */
function zone(index: number, fam: number): boolean {
  if (stampZone[index] === generation) return false;
  stampZone[index] = generation;
  push(index, fam);
  return true;
}

function nameIt(namer: Namer, index: number, name: string): void {
  if (namer.names.has(index)) return;
  namer.names.set(index, name);
  namer.remaining--;
}

function addCues(mask: number, lead: boolean, ask: boolean): void {
  for (let k = 0; k < cueCounts.length; k++) {
    if (mask & (1 << k)) {
      cueCounts[k]!++;
      if (lead) leadCueCounts[k]!++;
      if (ask) askCueCounts[k]!++;
    }
  }
}

// ------------------------------------------------------- structural pass

const CODE_START = /^(def|class|function|return|import|from|const|let|var|if|for|while|public|private|protected|static|fn|func|package|select|insert|update|create|using|namespace|try|catch|except|async|await|print|console|#include|#define)\b/;

/** A line looks like code: ends in ; { }, or starts with a keyword and ends like a statement. */
function isCodeLine(text: string, from: number, to: number): boolean {
  let a = from;
  while (a < to && (text.charCodeAt(a) === 32 || text.charCodeAt(a) === 9)) a++;
  let b = to - 1;
  while (b >= a && (text.charCodeAt(b) === 32 || text.charCodeAt(b) === 9 || text.charCodeAt(b) === 13)) b--;
  if (b < a || b - a > 200) return false;
  const last = text.charCodeAt(b);
  if (last === 59 || last === 123 || last === 125) return true;
  const indent = a - from;
  const statementEnd = last === 41 || last === 58 || last === 44 || last === 62 || last === 34 || last === 39;
  if (indent < 2 && !statementEnd) return false; // prose: no regex needed
  const first = text.charCodeAt(a);
  // every CODE_START keyword begins with a lower-case letter or '#'
  if ((first < 97 || first > 122) && first !== 35) return indent >= 4 && (last === 41 || last === 58);
  if (!CODE_START.test(text.slice(a, Math.min(b + 1, a + 12)))) return indent >= 4 && (last === 41 || last === 58);
  return true;
}

function hasStackTrace(t: string): boolean {
  return (
    t.includes("Traceback (most recent call last)") ||
    t.includes("Exception") ||
    /\n\s+at [\w$.<>]+\(/.test(t) ||
    t.includes("panic:") ||
    t.includes("error[E") ||
    t.includes("Error: ") ||
    t.includes("ERROR:") ||
    t.includes("Segmentation fault")
  );
}

/** 1 = list item ("- ", "* ", "• ", "1. ", "12) "), 2 = blank line, 3 = answer option ("A. ", "(B) ", "C) "), 0 = other. */
function lineKind(text: string, from: number, to: number): number {
  let a = from;
  while (a < to && (text.charCodeAt(a) === 32 || text.charCodeAt(a) === 9 || text.charCodeAt(a) === 13)) a++;
  if (a >= to) return 2;
  const c0 = text.charCodeAt(a);
  const c1 = a + 1 < to ? text.charCodeAt(a + 1) : 0;
  if ((c0 === 45 || c0 === 42 || c0 === 0x2022) && c1 === 32) return 1;
  // answer options: an upper-case letter A-J, optionally in "(", then "." or ")" and a space
  const open = c0 === 40 ? 1 : 0;
  const letter = text.charCodeAt(a + open);
  if (letter >= 65 && letter <= 74 && a + open + 2 < to) {
    const d = text.charCodeAt(a + open + 1);
    if ((d === 46 || d === 41) && text.charCodeAt(a + open + 2) === 32 && (open === 0 || d === 41)) return 3;
  }
  if (c0 >= 48 && c0 <= 57) {
    let k = a + 1;
    while (k < to && k < a + 3 && text.charCodeAt(k) >= 48 && text.charCodeAt(k) <= 57) k++;
    const d = k < to ? text.charCodeAt(k) : 0;
    if ((d === 46 || d === 41) && k + 1 < to && text.charCodeAt(k + 1) === 32) return 1;
  }
  return 0;
}

type Scanned = Omit<Structure, "words" | "cues" | "leadCues" | "contextBlock" | "material" | "askCues"> & { firstParaEnd: number };

/** One scan of the text's segments: lines, code-looking lines, list items, numbers, arithmetic, '?' (numbers and arithmetic also outside `material`). */
function structurePass(text: string, seg: Segments, material: Material): Scanned {
  let lines = 0;
  let codeLines = 0;
  let listItems = 0;
  let optionLines = 0;
  let numbers = 0;
  let arithmeticOps = 0;
  let askNumbers = 0;
  let askArithmeticOps = 0;
  let questions = 0;
  let askSentences = 0;
  let optionNumbers = 0;
  let lineNumbers = 0;
  let firstParaEnd = -1;
  for (let part = 0; part < 4; part += 2) {
    const from = seg[part]!;
    const n = seg[part + 1]!;
    if (n <= from && part > 0) continue;
    let lineStart = from;
    let inNumber = false;
    // "digit op digit" detector: 0 = nothing, 1 = after a digit, 2 = after digit + operator.
    let arith = 0;
    // The end of a segment ends a line.
    for (let i = from; i <= n; i++) {
      const c = i < n ? text.charCodeAt(i) : 10;
      if (c === 10) {
        lines++;
        if (isCodeLine(text, lineStart, i)) codeLines++;
        const kind = lineKind(text, lineStart, i);
        if (kind === 1) listItems++;
        else if (kind === 3) {
          optionLines++;
          optionNumbers += lineNumbers;
        }
        else if (kind === 2 && firstParaEnd < 0 && lines > 1) firstParaEnd = i;
        lineStart = i + 1;
        lineNumbers = 0;
        inNumber = false;
        arith = 0;
        continue;
      }
      if (c === 63) questions++;
      if ((c === 46 || c === 33 || c === 63) && (i + 1 >= n || isSpace(text.charCodeAt(i + 1))) && !inMaterial(material, i)) askSentences++;
      if (c >= 48 && c <= 57) {
        if (!inNumber) {
          const ask = !inMaterial(material, i);
          numbers++;
          if (ask) {
            askNumbers++;
            lineNumbers++;
          }
          inNumber = true;
          if (arith === 2) {
            arithmeticOps++;
            if (ask) askArithmeticOps++;
          }
        }
        arith = 1;
      } else {
        // 1,234.50 is one number
        const sep = (c === 46 || c === 44) && inNumber && i + 1 < n && text.charCodeAt(i + 1) >= 48 && text.charCodeAt(i + 1) <= 57;
        if (!sep) inNumber = false;
        if (c === 43 || c === 45 || c === 42 || c === 47 || c === 61 || c === 94 || c === 0xd7 || c === 0xf7) {
          arith = arith >= 1 ? 2 : 0;
        } else if (c !== 32 && !sep) {
          arith = 0;
        }
      }
    }
  }
  let codeFences = 0;
  for (let part = 0; part < 4; part += 2) {
    const end = seg[part + 1]!;
    for (let p = text.indexOf("```", seg[part]!); p >= 0 && p + 3 <= end; p = text.indexOf("```", p + 3)) codeFences++;
  }
  // Searched within the scanned segments only (slices of a flat string are
  // views, not copies).
  let stackTrace = false;
  for (let part = 0; part < 4 && !stackTrace; part += 2) {
    if (seg[part + 1]! <= seg[part]!) continue;
    const t = seg[part] === 0 && seg[part + 1] === text.length ? text : text.slice(seg[part], seg[part + 1]);
    stackTrace = hasStackTrace(t);
  }
  return {
    chars: text.length,
    lines,
    codeFences: codeFences >> 1,
    codeLines,
    stackTrace,
    numbers,
    arithmeticOps,
    askNumbers,
    askArithmeticOps,
    listItems,
    optionLines,
    questions,
    askSentences,
    optionNumbers,
    firstParaEnd,
  };
}

// -------------------------------------------------------- given material

/** The instruction before given material is looked for in the first MATERIAL_HEAD characters. */
export const MATERIAL_HEAD = 300;
/** Shorter material is not told apart from its instruction. */
const MATERIAL_MIN = 20;
/** A closing question is looked for in the last QUESTION_TAIL characters; an ask after the material starts there. */
const QUESTION_TAIL = 400;
/**
 * Material before an ask is this long at least, unless it is labelled, fenced
 * or quoted as handed-over text: a word problem's set-up before its question
 * ("A train leaves at 3 pm at 60 mph...\n\nHow far has it gone by 5 pm?") is
 * shorter, and is the problem, not material.
 */
const MATERIAL_LONG = 400;
/** A first line naming handed-over text: "Context:", "Article:", "Email:", "# Transcript:"... (not "Data:" or "Input:", which are often a calculation's). */
const LABELS = "context|article|text|passage|document|email|e-mail|message|review|transcript|excerpt|abstract|story|paragraph|report|letter|post|comment|notes|conversation|dialogue|chat|source|background";
const MATERIAL_LABEL = new RegExp(`^\\s*(?:#+\\s*|\\*\\*)?(?:${LABELS})s?\\s*(?:\\*\\*)?\\s*[:：]`, "i");
/** An opening tag naming handed-over text: "<document>", "<context id=1>" (not "<div>": HTML is code). */
const MATERIAL_TAG = new RegExp(`^<((?:${LABELS})s?)\\b[^<>]*>`, "i");
/** An ask after the material is a short paragraph: a closing stanza or list ending in "?" is material. */
const ASK_LINES = 3;
const NO_MATERIAL: Material = [0, 0, "none"];

const isSpace = (c: number) => c === 32 || c === 9 || c === 13 || c === 10;

/**
 * Where the prompt hands over material to work on, as [start, end, kind]
 * ([0, 0, "none"] when it does not): in labelled sections ("Context: ...\n
 * Question: ...", see labelledMaterial), tried first because labels say
 * outright which part is handed over; else with the ask before it (the head
 * form, preferred when both apply) or after it (the tail form, see
 * tailMaterial).
 *
 * Head form: the ask is the first line, ended by ": " or a blank line within
 * the first MATERIAL_HEAD characters, not itself code and asking for no
 * derivation or diagnosis (no "derive" or "debug" cue); it is either an
 * instruction naming such a task (kind "task": a "task" cue such as
 * summarize, extract, translate, classify, format as JSON) or a question
 * followed by a blank line (kind "question": "When did it
 * reopen?\n\n<article>"). The material runs to the end of the text, except a
 * closing question ("... Which item was cut most?"), which is part of the
 * ask. The figures and cue words of the material describe what was handed
 * over, not how much thinking the task takes: "Summarize in two sentences:
 * <a paragraph with 12% and 7 to 4>" is no calculation.
 */
export function materialRange(text: string): Material {
  const labelled = labelledMaterial(text);
  if (labelled[2] !== "none") return labelled;
  const head = headMaterial(text);
  return head[2] !== "none" ? head : tailMaterial(text);
}

/**
 * A section label at a line start: a label word, optionally in markdown ("#"s
 * or "**") and with an index ("Document 2:", "Passage [3]:"), ended by a
 * colon or by the end of its line ("### Instruction\n"). Read with
 * lastIndex at the line start (sticky).
 */
const SECTION_LABEL =
  /[ \t]*(?:#{1,6}[ \t]*|\*\*)?(context|document|passage|article|text|input|source|retrieved [a-z]+|question|query|instruction|task|request|answer|response)s?(?:[ \t]*\[?\d{1,3}\]?)?[ \t]*(?:\*\*)?[ \t]*(?:[:：][ \t]*(?:\*\*)?|(?=\r?\n|$))/iy;
/** Labels of handed-over material ("input" only beside an "instruction" label, see labelledMaterial; and "retrieved ..."). */
const MATERIAL_SECTIONS = new Set(["context", "document", "passage", "article", "text", "input", "source"]);
/** Labels of the ask. ("answer" and "response", which close a template, only end the section before them.) */
const ASK_SECTIONS = new Set(["question", "query", "instruction", "task", "request"]);

/**
 * Labelled sections, as retrieval-augmented and instruction templates write
 * them: "Context: ...\n\nQuestion: ...\n\nAnswer:", LangChain's "<preamble>\n
 * Question: {question}\nContext: {context}\nAnswer:", Alpaca's "###
 * Instruction:\n...\n\n### Input:\n...\n\n### Response:". A label starts a
 * line outside ``` fences and is capitalised ("Context", "CONTEXT"; a YAML
 * key "text:" in pasted config is not one); a section runs from after its
 * label to the next label's line, or to the end of the text. The text needs
 * a material label (Context, Document, Passage, Article, Text, Source,
 * Retrieved ...; Input only beside an Instruction label, as in Alpaca's
 * template, because a programming problem's "Input" is the specification of
 * its input, not material) and an ask label (Question, Query, Instruction,
 * Task, Request). Every material section of at least MATERIAL_MIN characters
 * is material (several are all material; a shorter one, "Context: exam
 * prep", stays in the ask); everything else (the preamble, the question, a
 * closing "Answer:") is the ask. As in the other forms, a derive or debug cue
 * anywhere in the ask ("Question: Calculate the average growth", "Why does it
 * fail?") leaves the whole prompt one problem: the figures handed over are
 * then the quantities to work with. Kind "task" when the ask carries a task
 * cue, else "question". Lines are read in the structural scan's segments, so
 * the cost stays bounded on long prompts.
 */
function labelledMaterial(text: string): Material {
  const n = text.length;
  const seg = structSegments(text);
  const lines: number[] = [];
  const bodies: number[] = [];
  const words: string[] = [];
  let fenced = false;
  let asked = false;
  let instruction = false;
  for (let a = 0; a < n; ) {
    if (a >= seg[1] && a < seg[2]) {
      // the middle of a long prompt is not read
      const j = text.indexOf("\n", seg[2] - 1);
      if (j < 0) break;
      a = j + 1;
      continue;
    }
    let z = text.indexOf("\n", a);
    if (z < 0) z = n;
    let k = a;
    while (k < z && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9)) k++;
    if (text.startsWith("```", k)) fenced = !fenced;
    else if (!fenced) {
      SECTION_LABEL.lastIndex = a;
      const m = SECTION_LABEL.exec(text);
      const first = m ? m[1]!.charCodeAt(0) : 0;
      if (m && first >= 65 && first <= 90) {
        const word = m[1]!.toLowerCase();
        lines.push(a);
        bodies.push(SECTION_LABEL.lastIndex);
        words.push(word);
        if (ASK_SECTIONS.has(word)) asked = true;
        if (word === "instruction") instruction = true;
      }
    }
    a = z + 1;
  }
  if (!asked) return NO_MATERIAL;
  const ranges: number[] = [];
  for (let k = 0; k < words.length; k++) {
    const word = words[k]!;
    const isMaterial = word === "input" ? instruction : MATERIAL_SECTIONS.has(word) || word.startsWith("retrieved ");
    if (!isMaterial) continue;
    let from = bodies[k]!;
    let to = k + 1 < words.length ? lines[k + 1]! : n;
    while (from < to && isSpace(text.charCodeAt(from))) from++;
    while (to > from && isSpace(text.charCodeAt(to - 1))) to--;
    if (to - from >= MATERIAL_MIN) ranges.push(from, to);
  }
  if (ranges.length === 0) return NO_MATERIAL;
  // the ask: every stretch outside the material, read in the scanned segments
  let ask = 0;
  for (let k = 0; k <= ranges.length; k += 2) {
    const from = k === 0 ? 0 : ranges[k - 1]!;
    const to = k < ranges.length ? ranges[k]! : n;
    for (let part = 0; part < 4; part += 2) {
      const a = Math.max(from, seg[part]!);
      const b = Math.min(to, seg[part + 1]!);
      if (a < b) ask |= cueMask(text, a, b);
    }
  }
  if (ask & ((1 << DERIVE) | (1 << DEBUG))) return NO_MATERIAL;
  const kind = ask & (1 << TASK) ? "task" : "question";
  return ranges.length === 2 ? [ranges[0]!, ranges[1]!, kind] : [ranges[0]!, ranges[1]!, kind, ranges.slice(2)];
}

function headMaterial(text: string): Material {
  const n = text.length;
  const lim = Math.min(n - 1, MATERIAL_HEAD);
  let b = -1;
  for (let i = 1; i < lim; i++) {
    const c = text.charCodeAt(i);
    if (c === 0xff1a || (c === 58 && isSpace(text.charCodeAt(i + 1)))) {
      b = i + 1;
      break;
    }
    if (c === 10) {
      let k = i + 1;
      while (k < n && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9 || text.charCodeAt(k) === 13)) k++;
      if (k < n && text.charCodeAt(k) === 10) b = i;
      break;
    }
  }
  if (b < 0 || n - b < MATERIAL_MIN) return NO_MATERIAL;
  // "def total(items: list):" is code, not an instruction
  if (isCodeLine(text, 0, b) && /[(=]/.test(text.slice(0, b))) return NO_MATERIAL;
  const head = cueMask(text, 0, b);
  if (head & ((1 << DERIVE) | (1 << DEBUG))) return NO_MATERIAL;
  let q = b;
  while (q > 0 && isSpace(text.charCodeAt(q - 1))) q--;
  const kind = head & (1 << TASK) ? "task" : text.charCodeAt(b) === 10 && (text.charCodeAt(q - 1) === 63 || text.charCodeAt(q - 1) === 0xff1f) ? "question" : "none";
  if (kind === "none") return NO_MATERIAL;
  let e = n;
  while (e > b && isSpace(text.charCodeAt(e - 1))) e--;
  let end = n;
  const last = text.charCodeAt(e - 1);
  if (last === 63 || last === 0xff1f) {
    for (let k = e - 2; k > b && k >= e - QUESTION_TAIL; k--) {
      const c = text.charCodeAt(k);
      if (c === 46 || c === 33 || c === 63 || c === 10 || c === 0x3002 || c === 0xff1f) {
        end = k + 1;
        break;
      }
    }
  }
  return end - b < MATERIAL_MIN ? NO_MATERIAL : [b, end, kind];
}

/**
 * Tail form: material first, the ask last ("<article>\n\nWhen did it
 * reopen?", "Context: ...\n\nQuestion: ...?", "<email>\n\nSummarize the above
 * in two sentences."). The ask is the last paragraph (after the last blank
 * line), starting within the last QUESTION_TAIL characters, of at most
 * ASK_LINES lines, not code and not inside a code fence; it is a question
 * (ends with "?": kind "question") or names a task ("task" cue: kind
 * "task"), and neither it nor a first line shorter than MATERIAL_HEAD
 * characters (a brief, not material) asks for a derivation or a diagnosis.
 * The material is everything before it: labelled, fenced or quoted as
 * handed-over text (see handedOver), or else prose (see prose) of at least
 * MATERIAL_LONG characters, so that a word problem or a puzzle whose set-up
 * precedes its question after a blank line stays one problem.
 */
function tailMaterial(text: string): Material {
  let e = text.length;
  while (e > 0 && isSpace(text.charCodeAt(e - 1))) e--;
  // the last blank line: a line end followed by blanks and another line end
  let m = -1;
  let p = -1;
  for (let k = e - 1; k > 0 && k >= e - QUESTION_TAIL; k--) {
    if (text.charCodeAt(k) !== 10) continue;
    let j = k - 1;
    while (j >= 0 && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9 || text.charCodeAt(j) === 13)) j--;
    if (j >= 0 && text.charCodeAt(j) === 10) {
      m = j;
      p = k + 1;
      break;
    }
  }
  if (m < 0) return NO_MATERIAL;
  while (m > 0 && isSpace(text.charCodeAt(m - 1))) m--;
  while (p < e && isSpace(text.charCodeAt(p))) p++;
  if (m < MATERIAL_MIN || p >= e) return NO_MATERIAL;
  // the ask is prose outside any code fence
  const fence = text.indexOf("```", p);
  if (fence >= 0 && fence < e) return NO_MATERIAL;
  let fences = 0;
  for (let f = text.indexOf("```"); f >= 0 && f < m; f = text.indexOf("```", f + 3)) fences++;
  if (fences % 2 === 1) return NO_MATERIAL;
  let askLines = 0;
  for (let a = p; a < e; ) {
    let z = text.indexOf("\n", a);
    if (z < 0 || z > e) z = e;
    if (isCodeLine(text, a, z) || ++askLines > ASK_LINES) return NO_MATERIAL;
    a = z + 1;
  }
  const ask = cueMask(text, p, e);
  if (ask & ((1 << DERIVE) | (1 << DEBUG))) return NO_MATERIAL;
  const last = text.charCodeAt(e - 1);
  const kind = ask & (1 << TASK) ? "task" : last === 63 || last === 0xff1f ? "question" : "none";
  if (kind === "none") return NO_MATERIAL;
  // a brief on its own first line ("Solve the problem below.") makes the rest its problem, not material
  let firstLine = 0;
  while (firstLine < MATERIAL_HEAD && firstLine < m && text.charCodeAt(firstLine) !== 10) firstLine++;
  if (firstLine > 0 && firstLine < Math.min(m, MATERIAL_HEAD) && cueMask(text, 0, firstLine) & ((1 << DERIVE) | (1 << DEBUG))) return NO_MATERIAL;
  if (!handedOver(text, m) && (m < MATERIAL_LONG || !prose(text, m))) return NO_MATERIAL;
  return [0, m, kind];
}

/** Lines of unlabelled material read to tell prose from a problem's conditions or code. */
const PROSE_SCAN = 8_000;
/** TeX math ("$x^2$", "$\\frac", "\\(", "\\["), not a price ("$12"). */
const MATH_MARKUP = /\$[A-Za-z\\{]|\\[([]/;

/**
 * Unlabelled material reads as prose handed over (an article, an email), not
 * as a problem's conditions ("Clues:\n1. ...\n2. ...", "$x^2$") or code:
 * fewer than 3 list items, no code-looking line and no math markup in its
 * first PROSE_SCAN characters.
 */
function prose(text: string, m: number): boolean {
  let items = 0;
  const to = Math.min(m, PROSE_SCAN);
  if (MATH_MARKUP.test(text.slice(0, to))) return false;
  for (let a = 0; a < to; ) {
    let z = text.indexOf("\n", a);
    if (z < 0 || z > to) z = to;
    if (lineKind(text, a, z) === 1 && ++items >= 3) return false;
    if (isCodeLine(text, a, z)) return false;
    a = z + 1;
  }
  return true;
}

/** Opening and closing quote marks of quoted material. */
const OPEN_QUOTES = new Set([34, 39, 0x201c, 0x2018, 0xab, 0x201e, 0x300c]);
const CLOSE_QUOTES = new Set([34, 39, 0x201d, 0x2019, 0xbb, 0x201c, 0x300d]);

/**
 * The material [0, m) is marked as handed-over text: a first line that names
 * it ("Context:", "Article:", "Email:"), a ``` fence or an XML-style tag
 * (<document>...</document>) around it, quote marks around it, or ">"
 * quoting.
 */
function handedOver(text: string, m: number): boolean {
  let a = 0;
  while (a < m && isSpace(text.charCodeAt(a))) a++;
  if (MATERIAL_LABEL.test(text.slice(a, Math.min(m, a + 40)))) return true;
  const c = text.charCodeAt(a);
  const z = text.charCodeAt(m - 1);
  if (text.startsWith("```", a) && text.endsWith("```", m)) return true;
  if (c === 62) return true; // "> quoted line"
  if (OPEN_QUOTES.has(c) && CLOSE_QUOTES.has(z)) return true;
  const tag = MATERIAL_TAG.exec(text.slice(a, Math.min(m, a + 60)));
  return tag !== null && text.slice(Math.max(0, m - 40), m).toLowerCase().endsWith(`</${tag[1]!.toLowerCase()}>`);
}

/** The cue classes present in [from, to) as a bitmask (tokens and hashes as in the token pass). */
function cueMask(text: string, from: number, to: number): number {
  let mask = 0;
  let prev = 0;
  let havePrev = false;
  let i = from;
  while (i < to) {
    const c = LOWER[text.charCodeAt(i)]!;
    const cls = CLASS[c]!;
    if (cls === 0) {
      i++;
      continue;
    }
    let h = FNV_OFFSET;
    if (cls === 1) {
      let len = 0;
      while (i < to) {
        let d = LOWER[text.charCodeAt(i)]!;
        if (CLASS[d] !== 1) break;
        if (d >= 48 && d <= 57) d = 48;
        if (len < MAX_TOKEN) {
          h = Math.imul(h ^ d, FNV_PRIME);
          len++;
        }
        i++;
      }
    } else {
      h = Math.imul(h ^ c, FNV_PRIME);
      i++;
    }
    h >>>= 0;
    mask |= cueLookup(h | 0);
    if (havePrev) mask |= cueLookup(cueBigramKey(prev, h));
    prev = h;
    havePrev = true;
  }
  return mask;
}

// ------------------------------------------------------------ public API

export interface FeatureVector {
  /** Indices into the weight vector (hashed slots < DIM, structural slots >= DIM); may repeat on hash collisions. */
  idx: Int32Array;
  val: Float32Array;
  structure: Structure;
}

let lastStructure: Structure | null = null;

/** The segments the token pass reads, and where character 4-grams are taken. */
function tokenSegments(text: string): { seg: Segments; chars: Segments } {
  const n = text.length;
  const seg: Segments = n <= WINDOW_HEAD + WINDOW_TAIL ? [0, n, 0, 0] : [0, WINDOW_HEAD, n - WINDOW_TAIL, n];
  const chars: Segments = n <= CHAR_HEAD + CHAR_TAIL ? [0, n, 0, 0] : [0, CHAR_HEAD, n - CHAR_TAIL, n];
  return { seg, chars };
}

/** The segments the structural scan reads. */
function structSegments(text: string): Segments {
  const n = text.length;
  return n <= STRUCT_HEAD + STRUCT_TAIL ? [0, n, 0, 0] : [0, STRUCT_HEAD, n - STRUCT_TAIL, n];
}

/** Starts a new extraction: a new generation for the dedup stamps, zeroed counters. */
function beginExtraction(): void {
  generation = (generation + 1) | 0;
  if (generation === 0) {
    stampUni.fill(0);
    stampBi.fill(0);
    stampChar.fill(0);
    stampZone.fill(0);
    generation = 1;
  }
  nOut = 0;
  famCount.fill(0);
  cueCounts.fill(0);
  leadCueCounts.fill(0);
  askCueCounts.fill(0);
}

/**
 * Fills the module's scratch buffers and returns the number of entries. The
 * scorer reads them in place (no allocation); callers that keep the features
 * use extractFeatures(), which copies.
 */
export function extractInto(text: string): { n: number; idx: Int32Array; val: Float32Array; structure: Structure } {
  beginExtraction();
  const { seg, chars } = tokenSegments(text);
  const material = materialRange(text);
  const words = tokenPass(text, seg, chars, material);
  const norms = famCount.map((k) => (k > 0 ? 1 / Math.sqrt(k) : 0));
  for (let k = 0; k < nOut; k++) outVal[k] = norms[outFam[k]!]!;

  const sp = structurePass(text, structSegments(text), material);
  const cues = {} as Record<CueClass, number>;
  const leadCues = {} as Record<CueClass, number>;
  const askCues = {} as Record<CueClass, number>;
  CUE_CLASSES.forEach((c, k) => {
    cues[c] = cueCounts[k]!;
    leadCues[c] = leadCueCounts[k]!;
    askCues[c] = askCueCounts[k]!;
  });
  const head = sp.firstParaEnd > 0 ? sp.firstParaEnd : sp.chars;
  const contextBlock = sp.firstParaEnd > 0 && sp.chars - head > 2 * head && sp.chars > 300;
  const structure: Structure = {
    chars: sp.chars,
    lines: sp.lines,
    words,
    codeFences: sp.codeFences,
    codeLines: sp.codeLines,
    stackTrace: sp.stackTrace,
    numbers: sp.numbers,
    arithmeticOps: sp.arithmeticOps,
    listItems: sp.listItems,
    optionLines: sp.optionLines,
    questions: sp.questions,
    cues,
    leadCues,
    contextBlock,
    material: material[2],
    askNumbers: sp.askNumbers,
    askArithmeticOps: sp.askArithmeticOps,
    askCues,
    askSentences: sp.askSentences,
    optionNumbers: sp.optionNumbers,
  };
  lastStructure = structure;

  const sv = structuralValues(structure, head);
  for (let k = 0; k < N_STRUCT; k++) {
    if (sv[k] === 0) continue;
    if (nOut === cap) grow();
    outIdx[nOut] = DIM + k;
    outVal[nOut] = sv[k]! * STRUCT_SCALE;
    nOut++;
  }
  return { n: nOut, idx: outIdx, val: outVal, structure };
}

/**
 * Structural values are scaled by 0.5: with the same L2 penalty on every
 * weight, this makes the few dense structural weights slightly dearer than
 * they would be at full scale, which cross-validation on the training split
 * preferred (they otherwise dominate, and the n-grams add little).
 */
const STRUCT_SCALE = 0.5;
const LOG = (x: number, scale: number) => Math.min(Math.log1p(x) / scale, 1.5);

function structuralValues(s: Structure, head: number): Float32Array {
  const v = new Float32Array(N_STRUCT);
  const c = s.chars;
  v[S.len_log] = Math.log1p(c) / Math.log(100_000);
  v[c < 60 ? S.len_lt60 : c < 200 ? S.len_60_200 : c < 800 ? S.len_200_800 : c < 3000 ? S.len_800_3000 : S.len_gt3000] = 1;
  v[S.lines_log] = LOG(s.lines - 1, Math.log(200));
  v[S.code_fences] = Math.min(s.codeFences, 3) / 3;
  v[S.code_lines_log] = LOG(s.codeLines, Math.log(50));
  v[S.code_line_ratio] = s.lines > 0 ? s.codeLines / s.lines : 0;
  v[S.stack_trace] = s.stackTrace ? 1 : 0;
  v[S.numbers_log] = LOG(s.askNumbers, Math.log(50));
  v[S.number_density] = s.words > 0 ? Math.min(s.askNumbers / s.words, 1) : 0;
  v[S.arithmetic_ops] = LOG(s.askArithmeticOps, Math.log(20));
  v[S.list_items_log] = LOG(s.listItems, Math.log(20));
  v[S.questions_log] = LOG(s.questions, Math.log(10));
  v[S.multi_question] = s.questions >= 2 ? 1 : 0;
  v[S.cue_derive] = LOG(s.askCues.derive, Math.log(8));
  v[S.cue_debug] = LOG(s.askCues.debug, Math.log(8));
  v[S.cue_design] = LOG(s.askCues.design, Math.log(8));
  v[S.cue_security] = LOG(s.askCues.security, Math.log(8));
  v[S.cue_plan] = LOG(s.askCues.plan, Math.log(8));
  v[S.cue_constraint] = LOG(s.askCues.constraint, Math.log(12));
  v[S.cue_code] = LOG(s.askCues.code, Math.log(8));
  v[S.cue_technical] = LOG(s.askCues.technical, Math.log(8));
  v[S.cue_math] = LOG(s.askCues.math, Math.log(8));
  v[S.cue_creative] = LOG(s.askCues.creative, Math.log(8));
  v[S.cue_standard] = LOG(s.askCues.standard, Math.log(8));
  v[S.cue_greeting] = LOG(s.askCues.greeting, Math.log(4));
  v[S.context_block] = s.contextBlock ? 1 : 0;
  v[S.lead_derive] = Math.min(s.leadCues.derive, 2) / 2;
  v[S.lead_debug] = Math.min(s.leadCues.debug, 2) / 2;
  v[S.lead_design] = Math.min(s.leadCues.design, 2) / 2;
  v[S.lead_security] = Math.min(s.leadCues.security, 2) / 2;
  v[S.lead_plan] = Math.min(s.leadCues.plan, 2) / 2;
  v[S.lead_code] = Math.min(s.leadCues.code, 2) / 2;
  v[S.lead_technical] = Math.min(s.leadCues.technical, 2) / 2;
  v[S.lead_math] = Math.min(s.leadCues.math, 2) / 2;
  v[S.lead_creative] = Math.min(s.leadCues.creative, 2) / 2;
  v[S.lead_standard] = Math.min(s.leadCues.standard, 2) / 2;
  v[S.lead_greeting] = Math.min(s.leadCues.greeting, 2) / 2;
  // Crosses: a standard instruction (summarize, extract, translate, list...)
  // wrapped around material that otherwise reads as reasoning (code, numbers,
  // a stack trace); a creative brief full of constraint words.
  const stdAsk = s.leadCues.standard > 0 && s.leadCues.standard >= s.leadCues.derive + s.leadCues.debug + s.leadCues.design;
  v[S.standard_ask_on_code] = stdAsk && (s.codeFences > 0 || s.codeLines >= 3) ? 1 : 0;
  v[S.standard_ask_on_numbers] = stdAsk && s.numbers >= 3 ? 1 : 0;
  v[S.standard_ask_on_trace] = stdAsk && s.stackTrace ? 1 : 0;
  v[S.creative_ask_with_constraints] = s.leadCues.creative > 0 && s.cues.constraint >= 2 ? 1 : 0;
  v[S.short_instruction_long_context] = s.contextBlock && head < 200 ? 1 : 0;
  // A layout, not a need: multiple-choice options appear around knowledge
  // recall and multi-step puzzles alike; its own feature lets the n-grams of
  // the question decide instead of the option letters.
  v[S.choice_options] = s.optionLines >= 3 ? 1 : 0;
  // Work on given material (summarise, extract, format, translate,
  // classify): its numbers and cue words above are left out, and the task
  // itself is a standard-tier signal.
  v[S.task_on_material] = s.material === "task" ? 1 : 0;
  // The need for several steps, whatever the layout: how many statements the
  // ask makes (conditions, facts to combine), and quantities given together
  // with a question or an operation asked for (a word problem, an estimate),
  // as opposed to a number in a lookup question ("how many moons...").
  v[S.sentences_log] = LOG(s.askSentences, Math.log(20));
  v[S.quantities_asked] = s.askNumbers - s.optionNumbers >= 2 && (s.questions > 0 || s.askCues.derive > 0 || s.askCues.math > 0) ? 1 : 0;
  return v;
}

/** Features of `text` as owned arrays (for training and tests). */
export function extractFeatures(text: string): FeatureVector {
  const r = extractInto(text);
  return { idx: r.idx.slice(0, r.n), val: r.val.slice(0, r.n), structure: r.structure };
}

/** Structure of the last extraction (set by extractInto). */
export function lastExtractedStructure(): Structure | null {
  return lastStructure;
}

/**
 * Readable names for some feature indices of `text` ("word:prove",
 * "bigram:why does", "chars:ebug", "struct:code_fences"). Re-runs the token
 * pass (not the structural scan) with a naming hook, and overwrites the
 * scratch buffers: call it only to explain a decision, after scoring.
 */
export function featureNames(text: string, indices: Iterable<number>): Map<number, string> {
  const want = new Set<number>();
  const names = new Map<number, string>();
  for (const i of indices) {
    if (i >= DIM) names.set(i, `struct:${STRUCT_NAMES[i - DIM]}`);
    else want.add(i);
  }
  if (want.size > 0) {
    // Token passes only (no structural scan): the names live there. First the
    // last NAME_TAIL chars of the window (tail-zone features are only emitted
    // at the end of a pass), then, if some names are still missing, the whole
    // window, stopping as soon as every wanted name is found. A hash index
    // seen in a partial pass gets the same name as in the full one (same
    // token, same family seed).
    const namer: Namer = { want, names, remaining: want.size };
    const { seg, chars } = tokenSegments(text);
    const material = materialRange(text);
    const n = text.length;
    if (n > 2 * NAME_TAIL) {
      beginExtraction();
      tokenPass(text, [n - NAME_TAIL, n, 0, 0], [n - NAME_TAIL, n, 0, 0], material, namer);
    }
    if (namer.remaining > 0) {
      beginExtraction();
      tokenPass(text, seg, chars, material, namer);
    }
  }
  for (const i of want) if (!names.has(i)) names.set(i, `hash:${i}`);
  return names;
}
