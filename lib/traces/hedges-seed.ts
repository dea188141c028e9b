/**
 * Seed words copied from the npm package `hedges` (version 2.0.1, MIT), a list
 * of English hedge words by Titus Wormer. The package is NOT a dependency; only
 * the words below, the ones the lexicon (lexicon.ts) uses, were copied. The
 * package's list is much broader ("can", "will", "many", "think", "actually",
 * ...); most of it is too ambiguous for reasoning traces, and several of its
 * entries ("assume", "suppose", "presumably", "actually") are classified here
 * as assumptions or self-corrections instead of hedges.
 *
 * Licence notice of the source package, reproduced as its licence requires:
 *
 * (The MIT License)
 *
 * Copyright (c) 2014 Titus Wormer <tituswormer@gmail.com>
 *
 * Permission is hereby granted, free of charge, to any person obtaining
 * a copy of this software and associated documentation files (the
 * 'Software'), to deal in the Software without restriction, including
 * without limitation the rights to use, copy, modify, merge, publish,
 * distribute, sublicense, and/or sell copies of the Software, and to
 * permit persons to whom the Software is furnished to do so, subject to
 * the following conditions:
 *
 * The above copyright notice and this permission notice shall be
 * included in all copies or substantial portions of the Software.
 *
 * THE SOFTWARE IS PROVIDED 'AS IS', WITHOUT WARRANTY OF ANY KIND,
 * EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF
 * MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT.
 * IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY
 * CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT,
 * TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE
 * SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
 */

/** Hedge adverbs/adjectives used as single-word hedges without further context checks. */
export const HEDGES_SEED_PLAIN = [
  "apparently",
  "conceivably",
  "doubtful",
  "hopefully",
  "improbable",
  "maybe",
  "perhaps",
  "probably",
  "supposedly",
  "unsure",
] as const;

/**
 * Seed entries that appear in lexicon.ts only inside context-checked or
 * multi-word rules (written out there literally; listed here to record where
 * they came from).
 */
export const HEDGES_SEED_CONTEXTUAL = [
  "likely",
  "unlikely",
  "possibly",
  "seem",
  "seemed",
  "seems",
  "suggest",
  "suggests",
  "guess",
  "doubt",
  "might",
  "in my opinion",
  "in my view",
  "my impression",
  "my understanding is",
  "my thinking is",
] as const;

/** Seed entries that lexicon.ts classifies as assumptions or self-corrections, not hedges (recorded, not imported). */
export const HEDGES_SEED_RECLASSIFIED = [
  "assume",
  "assumed",
  "assumption",
  "suppose",
  "presumably",
  "actually",
] as const;
