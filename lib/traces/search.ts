/**
 * What a trace search looks for, shared by the API (filters.ts) and the
 * filter bar: no dependencies, so the page can check a search before sending it.
 */
import type { SearchToken } from "../db/traces.repo";

/** Said by the API (as "q: …") and by the filter bar, so both refuse the same search in the same words. */
export const SEARCH_NO_WORDS = "the search has no words to look for: it matches words of letters and digits, and punctuation alone is not searched";

/**
 * Why a search cannot run, or null when it can (or when there is none). A
 * search of punctuation only has no words: running the list without it would
 * answer a different question than the one asked. Pure; the API refuses such
 * a q and the filter bar refuses it before sending it.
 */
export function searchProblem(q: string | undefined): string | null {
  if (q === undefined || q.trim() === "") return null;
  return searchTokens(q).length === 0 ? SEARCH_NO_WORDS : null;
}

/**
 * Search words: letters and digits, lower-cased, at most 8, all required.
 * A word matches whole words; "retr*" matches words that start with "retr".
 * Both full-text engines split text on everything else, so "don't" and
 * "retry-loop" match as the words they are indexed as, and the words need no
 * escaping. (Whole words are the default because a prefix search has to
 * merge every matching word's postings: 70 ms instead of 0.3 ms for a common
 * word at a million records on SQLite.)
 */
export function searchTokens(q: string | undefined): SearchToken[] {
  if (!q) return [];
  const out: SearchToken[] = [];
  for (const m of q.toLowerCase().matchAll(/([\p{L}\p{N}]+)(\*?)/gu)) {
    out.push({ word: m[1]!, prefix: m[2] === "*" });
    if (out.length === 8) break;
  }
  return out;
}
