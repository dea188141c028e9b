/**
 * "The prompt mentions any of these phrases" for a whole rule set at once.
 *
 * A search per phrase costs phrases x prompt length: 50 rules of 20 phrases
 * each held the event loop 13 s on one 16 MB prompt. Instead every phrase of a
 * rule-set version goes into one Aho-Corasick automaton, built once when the
 * version is loaded, which finds all of them in one pass over the prompt,
 * whatever their number.
 *
 * One pass over 16 MB is still a few hundred milliseconds of work, so the
 * prompt is read in slices and the scan yields to the event loop between
 * them once it has held it for a few milliseconds: a long prompt waits for its own decision, other requests do not wait
 * for it. The result is kept per request, so the rules that follow, and the
 * rule tester's per-rule verdicts, reuse the one scan.
 *
 * The automaton is written here rather than taken from a package: the ones on
 * npm either segment text into graphemes (minutes on a megabyte of accented
 * text) or build with an O(n) queue shift per state (quadratic in the phrases'
 * total length). This one is a trie over UTF-16 code units in one Map and
 * typed arrays, built breadth-first, so building and scanning are linear.
 */
import { turnBudget } from "../runtime/turns";

/** Characters read per step; the scan yields between steps once its turn has used its time (turnBudget). */
export const SLICE_CHARS = 16 * 1024;
/** A rule set's phrases, all told: bounds the automaton's size and the time to build it on every instance. */
export const MAX_PHRASE_CHARS = 200_000;

function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && /[\p{L}\p{N}_]/u.test(ch);
}

/** Aho-Corasick over UTF-16 code units: `step` follows one character; `ends` and `nextEnd` list the phrases ending in a state. */
class Automaton {
  /** Trie edges, keyed state * 0x10000 + code unit. */
  private readonly edges = new Map<number, number>();
  private readonly fail: Int32Array;
  /** The phrase that ends exactly at a state, or -1. */
  readonly ends: Int32Array;
  /** The nearest proper suffix state where a phrase ends, or -1: with `ends`, every phrase that ends at a state. */
  readonly nextEnd: Int32Array;
  /** Phrase lengths, by id. */
  readonly lengths: number[];

  constructor(phrases: string[]) {
    this.lengths = phrases.map((p) => p.length);
    const states = 1 + phrases.reduce((n, p) => n + p.length, 0);
    const ends = new Int32Array(states).fill(-1);
    let count = 1;
    phrases.forEach((p, id) => {
      let s = 0;
      for (let i = 0; i < p.length; i++) {
        const key = s * 0x10000 + p.charCodeAt(i);
        let t = this.edges.get(key);
        if (t === undefined) this.edges.set(key, (t = count++));
        s = t;
      }
      ends[s] = id;
    });
    // Children of each state, for the breadth-first pass that sets the failure links.
    const children: number[][] = Array.from({ length: count }, () => []);
    for (const [key, t] of this.edges) children[Math.floor(key / 0x10000)]!.push(key % 0x10000, t);
    const fail = new Int32Array(count);
    const nextEnd = new Int32Array(count).fill(-1);
    const queue = new Int32Array(count);
    let head = 0;
    let tail = 0;
    const root = children[0]!;
    for (let i = 0; i < root.length; i += 2) queue[tail++] = root[i + 1]!;
    while (head < tail) {
      const r = queue[head++]!;
      const kids = children[r]!;
      for (let i = 0; i < kids.length; i += 2) {
        const code = kids[i]!;
        const s = kids[i + 1]!;
        queue[tail++] = s;
        let f = fail[r]!;
        let to = this.edges.get(f * 0x10000 + code);
        while (to === undefined && f > 0) {
          f = fail[f]!;
          to = this.edges.get(f * 0x10000 + code);
        }
        fail[s] = to ?? 0;
        const g = fail[s]!;
        nextEnd[s] = ends[g]! >= 0 ? g : nextEnd[g]!;
      }
    }
    this.fail = fail;
    this.ends = ends.subarray(0, count);
    this.nextEnd = nextEnd;
  }

  step(state: number, code: number): number {
    for (;;) {
      const to = this.edges.get(state * 0x10000 + code);
      if (to !== undefined) return to;
      if (state === 0) return 0;
      state = this.fail[state]!;
    }
  }
}

export class PhraseMatcher {
  private readonly ids = new Map<string, number>();
  private readonly automaton: Automaton | null;
  private readonly longest: number;
  private readonly scans = new WeakMap<object, Promise<ReadonlySet<number>>>();

  constructor(phrases: Iterable<string>) {
    for (const p of phrases) {
      const lower = p.toLowerCase();
      if (lower && !this.ids.has(lower)) this.ids.set(lower, this.ids.size);
    }
    const list = [...this.ids.keys()];
    this.automaton = list.length ? new Automaton(list) : null;
    this.longest = list.reduce((n, p) => Math.max(n, p.length), 0);
  }

  /** The id of a phrase (case-insensitive), as `found` reports it; undefined for a phrase not in the set. */
  id(phrase: string): number | undefined {
    return this.ids.get(phrase.toLowerCase());
  }

  /**
   * The ids of the phrases that occur in `text` as whole words, case-insensitive.
   * Scanned once per `owner` (the request the text belongs to), however often asked.
   */
  found(owner: object, text: string): Promise<ReadonlySet<number>> {
    let scan = this.scans.get(owner);
    if (!scan) {
      scan = this.scan(text);
      this.scans.set(owner, scan);
    }
    return scan;
  }

  private async scan(text: string): Promise<ReadonlySet<number>> {
    const found = new Set<number>();
    const automaton = this.automaton;
    if (!automaton) return found;
    const n = text.length;
    const pause = turnBudget();
    for (let start = 0; start < n && found.size < this.ids.size; start += SLICE_CHARS) {
      if (start > 0) await pause();
      // The window reaches back far enough for a phrase that ends in this slice, plus one
      // character on each side for the word-boundary check.
      const from = Math.max(0, start - this.longest - 1);
      const to = Math.min(n, start + SLICE_CHARS + 1);
      const window = text.slice(from, to).toLowerCase();
      let state = 0;
      for (let i = 0; i < window.length; i++) {
        state = automaton.step(state, window.charCodeAt(i));
        for (let s = automaton.ends[state]! >= 0 ? state : automaton.nextEnd[state]!; s > 0; s = automaton.nextEnd[s]!) {
          const id = automaton.ends[s]!;
          if (found.has(id)) continue;
          const end = i + 1;
          const begin = end - automaton.lengths[id]!;
          // A hit without its neighbour inside the window is seen whole in the neighbouring window.
          if ((begin === 0 && from > 0) || (end === window.length && to < n)) continue;
          if (isWordChar(window[begin - 1]) || isWordChar(window[end])) continue;
          found.add(id);
        }
      }
    }
    return found;
  }
}
