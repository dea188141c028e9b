/**
 * Phrase lexicon for the signal extractor (signals.ts).
 *
 * Each rule is a token pattern plus an optional context check. Patterns are
 * space-separated word tokens (as produced by tokenize.ts: lower case, "'" for
 * apostrophes, "," allowed as a token); "{a|b c|}" is a group of alternatives
 * and an empty alternative makes the group optional. Groups are expanded into
 * plain phrases when the trie is built.
 *
 * Checks look at a bounded number of neighbouring tokens (at most ~8), so the
 * whole extraction stays linear in the length of the text. A check may move
 * the match start (m.s) or end (m.e) to cover a bounded-lookahead phrase such
 * as "if we take X to be".
 *
 * Labelling guide (what each kind means; the labelled fixture follows it).
 * Hedges are labelled one span per cue, as BioScope and CoNLL-2010 annotate
 * them ("should probably" is two, "I think maybe" two); a "whether" opening
 * the clause a doubt governs belongs to it ("I don't know whether").
 * - hedge: the reasoner's own epistemic uncertainty. "I think/believe/suspect/
 *   guess/suppose" followed by a clause (not "think about/of/through"),
 *   probably/maybe/perhaps/possibly/apparently/likely (not probability talk
 *   like "equally likely"), "might"/"may be"/"could be" as speculation (not
 *   "you might want", "might as well", permissions), seem/appear/looks like,
 *   not sure/uncertain/I don't know, hard to say, if I recall correctly,
 *   open questions stated impersonally ("is not known", "remains to be seen",
 *   "raises the question", "cannot rule out", "no guarantee", "is unknown"),
 *   hearsay the writer does not vouch for ("is said to", "it is claimed that",
 *   "it has been reported that", "according to some", "some people say"),
 *   beliefs of unnamed people ("some argue", "many believe", "critics say",
 *   "widely regarded as", "is considered one of"), doubt raised with no one
 *   vouching ("questions have been raised about", "there are concerns
 *   that"), assumptions nobody here makes ("it is assumed that", "a common
 *   assumption is that"), estimates and predictions ("an estimated 3,000",
 *   "is estimated to be", "the storm is expected to hit"; not a specification
 *   or a duty: "the function is expected to return"), an
 *   inquiry into an open question ("police are investigating whether", "is
 *   being investigated", "researchers hope to determine whether"; not the
 *   reasoner's own "let me test whether"), doubt about one's own memory ("to
 *   my knowledge", "unless I'm mistaken", "I could be wrong").
 * - assumption: the reasoner introduces a premise. assume/assuming/assumed/
 *   assumption (not negated: "can't assume", "without assumptions"; not a third
 *   party's "the code assumes"; not "it is assumed that" with no one making
 *   it, a hedge; a plural "these puzzles assume that" stays one, as in
 *   reasoning it is mostly a convention the reasoner adopts),
 *   suppose/supposing/let's suppose (not
 *   "supposed to"; "I suppose" is a hedge), presumably, let's say, for the sake
 *   of argument, hypothetically, I take it, "if we take X to be", "treat X as".
 *   Plain "if", "given that" and "let x be" are not assumptions.
 * - self_correction: wait/actually/hold on as discourse markers (not "wait for
 *   the lock", "actually-used"), let me reconsider/rethink/redo/backtrack,
 *   that's wrong/not right/incorrect, that can't be right, I made a mistake,
 *   I misread, oops, scratch that, on second thought, never mind.
 * - alternative: alternatively, another approach/way/idea/option/possibility,
 *   a different approach/angle, or maybe/or perhaps, on the other hand.
 * - stuck: I'm stuck, I can't figure (out), I don't see how, this is hard/
 *   tricky/confusing (about the task, not "hard to read", "hard-coded"),
 *   I'm confused/lost/stumped/at a loss, having trouble, going in circles,
 *   dead end, I give up, running out of ideas.
 * Not labelled as any kind: "let me check/verify/recount/re-read"
 * (verification), "what if ..." (a question), "Hmm", "in that case", "I
 * recall that", third parties' beliefs ("the user thinks", "the code assumes").
 *
 * Known limits: a phrase list cannot cover every way of hedging. On labelled
 * batches written after the lexicon was frozen, precision stayed ~0.97 but
 * recall was 0.50-0.58 (see scripts/eval-signals.ts); misses were phrasings
 * absent from the list, which were then added as families, not sentences.
 */
import { HEDGES_SEED_PLAIN } from "./hedges-seed";
import * as tk from "./tokenize";
import type { Tokens } from "./tokenize";

// Local bindings: imported functions can compile to getter calls in hot loops.
const clauseStart = tk.clauseStart;
const nextIdx = tk.nextIdx;
const prevIdx = tk.prevIdx;
const prevW = tk.prevW;
const wd = tk.wd;

// Token types (mirrors tokenize.ts WORD/PUNCT/CODE).
const WORD = 0;
const PUNCT = 1;
const CODE = 2;

export type SignalKind = "hedge" | "assumption" | "self_correction" | "alternative" | "stuck";

export const SIGNAL_KINDS: readonly SignalKind[] = ["hedge", "assumption", "self_correction", "alternative", "stuck"];

/** Tie-break when two overlapping candidates have the same length: the more specific kind wins. */
export const KIND_PRIORITY: Record<SignalKind, number> = {
  self_correction: 5,
  stuck: 4,
  alternative: 3,
  assumption: 2,
  hedge: 1,
};

/** A match under test: token indices, inclusive. Checks may widen them. */
export interface Match {
  s: number;
  e: number;
}

export type Check = (t: Tokens, m: Match) => boolean;

export interface RuleDef {
  kind: SignalKind;
  patterns: string[];
  check?: Check;
}

const S = (...xs: string[]): Set<string> => new Set(xs);

// ---------------------------------------------------------------------------
// Small helpers for checks.

function isWordTok(t: Tokens, i: number): boolean {
  return i >= 0 && i < t.n && t.type[i] === WORD;
}

/** Word at a token index, "" when out of range or not a word. */
function wordAt(t: Tokens, i: number): string {
  return isWordTok(t, i) ? wd(t, i) : "";
}

/** Text of the next token after index i ("" at the end). */
function nextText(t: Tokens, i: number): string {
  const q = nextIdx(t, i);
  return q < t.n ? wd(t, q) : "";
}

/** First token index in [m.s, m.e] whose word is in `set`. */
function findIn(t: Tokens, m: Match, set: Set<string>): number {
  for (let k = m.s; k <= m.e; k++) if (set.has(wd(t, k))) return k;
  return -1;
}

/** Next token is punctuation (or there is none / a line break follows). */
function followedByBreak(t: Tokens, i: number): boolean {
  const q = nextIdx(t, i);
  if (q >= t.n) return true;
  if (t.nl[q] === 1) return true;
  return t.type[q] === PUNCT;
}

// ---------------------------------------------------------------------------
// Checks.

/** After "I think": the next word must start a clause, not "think about/of/through X". */
const THINK_NOT_CLAUSE = S(
  "about", "of", "through", "over", "carefully", "hard", "harder", "again", "more", "deeply", "twice",
  "back", "aloud", "out", "up", "ahead", "clearly", "properly", "differently", "long", "longer", "for",
  "in", "on", "step", "straight", "outside", "along", "twice", "logically", "systematically",
);
const PRONOUN_OBJ = S("it", "this", "that", "them", "everything", "things", "something");
const PHRASAL_PARTICLE = S("through", "over", "out", "up");
const checkThink: Check = (t, m) => {
  const q = nextIdx(t, m.e);
  if (q >= t.n) return true;
  const w = wd(t, q);
  if (THINK_NOT_CLAUSE.has(w)) return false;
  if (PRONOUN_OBJ.has(w) && PHRASAL_PARTICLE.has(nextText(t, q))) return false;
  // "what do I think" / "did I think" are questions about thinking, not hedges.
  const p = prevW(t, m.s);
  return p !== "do" && p !== "did";
};
const checkBelieve: Check = (t, m) => nextText(t, m.e) !== "in" && checkThink(t, m);

const LIKELY_NOT_PREV = S("equally", "more", "less", "as", "how", "same", "so", "twice", "times", "too", "very");
const checkLikely: Check = (t, m) => {
  if (LIKELY_NOT_PREV.has(prevW(t, m.s))) return false;
  return nextText(t, m.e) !== "than";
};

const checkPossibly: Check = (t, m) => !S("a", "an", "the").has(prevW(t, m.s));

const MIGHT_NOT_PREV = S("you", "his", "her", "their", "its", "my", "all", "the", "your", "with", "our");
const MIGHT_NOT_NEXT = S("as", "want", "wanna", "like", "wish");
const checkMight: Check = (t, m) => {
  if (MIGHT_NOT_PREV.has(prevW(t, m.s))) return false;
  return !MIGHT_NOT_NEXT.has(nextText(t, m.s));
};

const checkMay: Check = (t, m) => {
  const p = prevW(t, m.s);
  // Permission ("you may not"), and the month ("in May").
  return p !== "you" && p !== "in" && p !== "of" && p !== "since" && p !== "until";
};

const checkLooksLike: Check = (t, m) => {
  const q = nextIdx(t, m.e);
  if (q >= t.n) return false;
  const w = wd(t, q);
  if (w === ":") return false;
  if ((w === "this" || w === "that" || w === "so") && followedByBreak(t, q)) return false;
  return true;
};

const SUGGEST_NOT_PREV = S(
  "i", "we", "you", "they", "he", "she", "i'd", "we'd", "would", "could", "can", "might", "may", "to",
  "should", "will", "i'll", "let", "me", "also", "strongly",
);
const checkSuggest: Check = (t, m) => {
  if (SUGGEST_NOT_PREV.has(prevW(t, m.s))) return false;
  const nx = nextText(t, m.e);
  return !(nx.length > 4 && nx.endsWith("ing"));
};

const checkPossibleThat: Check = (t, m) => nextText(t, m.e) !== "to";

const checkIDontKnow: Check = (t, m) => {
  // "I don't know how to proceed" is stuck (a longer rule); "I don't know the API" is not a hedge.
  const nx = nextText(t, m.e);
  return !(nx === "the" || nx === "a" || nx === "an" || nx === "anyone" || nx === "much");
};

const ASSUME_NEG = S(
  "can't", "cannot", "don't", "doesn't", "shouldn't", "won't", "not", "never", "didn't", "mustn't",
  "couldn't", "wouldn't", "needn't", "isn't", "aren't", "wasn't", "weren't", "dont", "cant", "t",
);
/**
 * Bare assume/assuming/assumed: not negated, not "you may/can assume" (a
 * permission in a prompt). A third party's plural "they / earlier methods
 * assume that" stays an assumption: in reasoning traces it is mostly a
 * convention the reasoner adopts ("these puzzles assume that the boat holds
 * two"), and left to the learned detector it became a hedge there (3 of 3
 * such spans on the labelled traces were wrong as hedges).
 */
const checkAssume: Check = (t, m) => {
  // "I assumed nothing about ..." is the opposite of making an assumption.
  const nx = nextText(t, m.e);
  if (nx === "nothing" || nx === "none") return false;
  const p = prevIdx(t, m.s);
  const pw = p >= 0 ? wd(t, p) : "";
  if (ASSUME_NEG.has(pw)) return false;
  if (pw === "may" || pw === "can") {
    const pp = prevW(t, p);
    if (pp === "you") return false;
  }
  return true;
};


const ASSUMPTION_NEG = S("no", "without", "any", "fewer", "few");
const ASSUMPTION_NOT_NEXT = S("column", "columns", "field", "fields", "table", "tab", "sheet", "cell", "cells");
const checkAssumption: Check = (t, m) => {
  const p = prevIdx(t, m.s);
  if (ASSUMPTION_NEG.has(p >= 0 ? wd(t, p) : "")) return false;
  if (p >= 0 && ASSUMPTION_NEG.has(prevW(t, p))) return false;
  return !ASSUMPTION_NOT_NEXT.has(nextText(t, m.e));
};

/**
 * Sentence-initial "Say" introducing a premise: "Say n = 3", "Say the cache
 * holds 100 entries". Not "say so", "say hello", "say: ...".
 */
const SAY_NOT_NEXT = S("so", "hi", "hello", "no", "yes", "it", "something", "what", "that", "goodbye", "thanks", "sorry", "please", "you", "i");
const checkSayAssume: Check = (t, m) => {
  // Sentence-initial only: after a comma, "say" usually introduces an example ("pick one, say A").
  if (!clauseStart(t, m.s)) return false;
  const p = prevW(t, m.s);
  if (p === "," || p === "(") return false;
  const q = nextIdx(t, m.e);
  if (q >= t.n || t.type[q] !== WORD) return false;
  return !SAY_NOT_NEXT.has(wd(t, q));
};

const checkSuppose: Check = (t, m) => {
  const p = prevW(t, m.s);
  return p !== "i'd" && p !== "would" && p !== "don't" && p !== "you'd" && p !== "we'd";
};

/**
 * Bounded lookahead for "if we take X to be", "let's treat X as": scan at most
 * 7 tokens after the verb, within the sentence, for "to be" or "as".
 */
function lookaheadFor(toBe: boolean, as: boolean): Check {
  return (t, m) => {
    let k = m.e;
    for (let steps = 0; steps < 7; steps++) {
      k = nextIdx(t, k);
      if (k >= t.n) return false;
      const w = wd(t, k);
      if (t.type[k] === PUNCT && (w === "." || w === "!" || w === "?" || w === ";" || w === ":")) return false;
      if (t.nl[k] === 1) return false;
      if (toBe && w === "to" && nextText(t, k) === "be") {
        m.e = nextIdx(t, k);
        return true;
      }
      if (as && w === "as") {
        const nx = nextText(t, k);
        if (nx === "well" || nx === "soon" || nx === "much" || nx === "long" || nx === "far" || nx === "stated" || nx === "written") return false;
        m.e = nx === "given" ? nextIdx(t, k) : k;
        return true;
      }
    }
    return false;
  };
}

/** Which words may precede a discourse "wait" (besides punctuation / text start). */
const WAIT_PREV_OK = S("but", "oh", "ah", "hmm", "hm", "no", "so", "okay", "ok", "um", "uh", "actually", "well", "yeah", "yes", "wait", "hmmm", "nope");
/** Which words may follow a discourse "wait". Anything else ("for", "until", "the", a number) reads as the verb. */
const WAIT_NEXT_OK = S(
  "no", "nope", "actually", "let", "let's", "i", "i'm", "i've", "i'd", "that", "that's", "this", "these", "those",
  "maybe", "perhaps", "hold", "is", "isn't", "was", "wasn't", "what", "what's", "why", "how", "so", "but", "hmm",
  "hm", "really", "did", "didn't", "do", "does", "doesn't", "am", "are", "aren't", "if", "where", "which", "we",
  "we're", "there", "there's", "here", "here's", "unless", "oh", "though", "sorry", "hang", "yes", "wait", "could",
  "can", "can't", "should", "shouldn't", "would", "wouldn't", "because", "since", "it's", "it", "he", "she",
  "they", "one", "probably", "not", "never", "hmmm", "ah", "also", "then", "now", "in",
);
const WAIT_NEXT_PUNCT = S(",", ".", "!", "?", ":", ";", "—", "–", "-", "…", ")", "\"", "”", "'", "’");
const WAIT_WORD = S("wait");
const checkWait: Check = (t, m) => {
  const k = findIn(t, m, WAIT_WORD);
  if (k < 0) return false;
  if (k === m.s) {
    const p = prevIdx(t, k);
    if (!clauseStart(t, k) && !WAIT_PREV_OK.has(p >= 0 ? wd(t, p) : "")) return false;
  }
  // With a lead ("but wait", "oh, wait") the lead itself marks the discourse use.
  if (k < m.e) return true; // has a tail ("wait, no", "wait a minute")
  const q = nextIdx(t, k);
  if (q >= t.n) return true;
  if (t.nl[q] === 1) return true;
  const w = wd(t, q);
  if (t.type[q] === PUNCT) return WAIT_NEXT_PUNCT.has(w);
  if (t.type[q] === CODE) return false;
  if (w === "it" && nextText(t, q) === "out") return false;
  return WAIT_NEXT_OK.has(w);
};

const HOLD_WORDS = S("hold", "hang");
const checkHoldOn: Check = (t, m) => {
  const k = findIn(t, m, HOLD_WORDS);
  if (k < 0) return false;
  if (k === m.s && !clauseStart(t, k) && !WAIT_PREV_OK.has(prevW(t, k))) return false;
  const q = nextIdx(t, m.e);
  if (q >= t.n || t.nl[q] === 1) return true;
  const w = wd(t, q);
  if (t.type[q] === PUNCT) return WAIT_NEXT_PUNCT.has(w);
  if (w === "to" || w === "tight" || w === "until" || w === "for") return false;
  return WAIT_NEXT_OK.has(w) || w === "a";
};

const ACTUALLY_WORD = S("actually");
const checkActually: Check = (t, m) => {
  const k = findIn(t, m, ACTUALLY_WORD);
  if (k < 0) return false;
  if (k > m.s) return true; // "no, actually", "wait, actually", "but actually"
  if (clauseStart(t, k)) return true;
  return nextText(t, k) === ",";
};

/** Only at the start of a clause ("Never mind, ...", "Rethinking this: ..."). */
const atClauseStart: Check = (t, m) => clauseStart(t, m.s);

/** "I had the oxygen count wrong", "I got the sign backwards": at most 4 tokens before wrong/backwards. */
const HAD_WRONG_END = S("wrong", "backwards", "backward", "reversed", "flipped", "mixed", "swapped");
const checkHadWrong: Check = (t, m) => {
  let k = m.e;
  for (let steps = 0; steps < 5; steps++) {
    k = nextIdx(t, k);
    if (!isWordTok(t, k)) return false;
    const w = wd(t, k);
    if (HAD_WRONG_END.has(w)) {
      if (w === "mixed" && nextText(t, k) !== "up") return false;
      m.e = w === "mixed" ? nextIdx(t, k) : k;
      return true;
    }
    if (w === "to" || w === "a" || w === "no" || w === "been") return false;
  }
  return false;
};

const CORRECTION_NOT_PREV = S("perhaps", "maybe", "if", "unless", "probably", "possibly", "whether");
const checkOwnError: Check = (t, m) => !CORRECTION_NOT_PREV.has(prevW(t, m.s));

const MISTAKE_WORDS = S("mistake", "mistakes", "error", "errors", "typo", "slip", "blunder", "mix-up");
/** "I made a/an ... mistake": at most 3 modifiers between the article and the noun. */
const checkMadeMistake: Check = (t, m) => {
  if (!checkOwnError(t, m)) return false;
  let k = m.e;
  for (let steps = 0; steps < 4; steps++) {
    k = nextIdx(t, k);
    if (!isWordTok(t, k)) return false;
    if (MISTAKE_WORDS.has(wd(t, k))) {
      m.e = k;
      return true;
    }
  }
  return false;
};

const MY_ERROR_NOT_NEXT = S("message", "messages", "handler", "handling", "log", "logs", "code", "codes", "rate", "bars", "page", "budget");
const checkMyMistake: Check = (t, m) => !MY_ERROR_NOT_NEXT.has(nextText(t, m.e));

const checkHmmNo: Check = (t, m) => {
  if (!clauseStart(t, m.s)) return false;
  return followedByBreak(t, m.e);
};

const checkCorrection: Check = (t, m) => clauseStart(t, m.s) && nextText(t, m.e) === ":";

const checkWrongFamily: Check = (t, m) => {
  const p = prevW(t, m.s);
  // "if that's wrong", "whether this is wrong" are conditionals, not corrections.
  return p !== "if" && p !== "whether" && p !== "unless";
};

const APPROACH_NOUNS = [
  "approach", "approaches", "way", "ways", "method", "methods", "option", "options", "strategy", "strategies",
  "idea", "ideas", "interpretation", "interpretations", "reading", "explanation", "explanations", "angle",
  "tack", "design", "possibility", "possibilities", "thought", "formulation", "framing", "perspective",
  "attempt", "tactic", "avenue",
];
const APPROACH = S(...APPROACH_NOUNS);
const ALT_NEXT_OK = S("is", "would", "could", "might", "to", "here", "then", "being", "was", ",", ":", "—", "–", ".", ";", "-", "would've");
/** "Instead, we could ..." proposes another route; "Instead, it's the opposite" only contrasts. */
const INSTEAD_NEXT = S("we", "i", "let's", "let", "maybe", "perhaps", "try", "use", "consider", "why", "what", "one", "how", "could", "should");
const checkInsteadComma: Check = (t, m) => {
  if (!clauseStart(t, m.s)) return false;
  const q = nextIdx(t, m.e);
  return q < t.n && wd(t, q) === "," && INSTEAD_NEXT.has(nextText(t, q));
};

const checkTheAlternative: Check = (t, m) => {
  const nx = nextText(t, m.e);
  return ALT_NEXT_OK.has(nx) || APPROACH.has(nx);
};
const checkAlternatives: Check = (t, m) => {
  if (clauseStart(t, m.s)) return true;
  const nx = nextText(t, m.e);
  return nx === "include" || nx === "are" || nx === "would" || nx === "to" || nx === ":" || nx === "—" || nx === ",";
};
const ANOTHER_NOT_PREV = S("call", "calls", "called", "calling", "invoke", "invokes", "invoked", "add", "adds", "added", "spawn", "spawns", "create", "creates", "define", "defines", "the");
const checkAnother: Check = (t, m) => !ANOTHER_NOT_PREV.has(prevW(t, m.s));
const OTHER_NOT_PREV = S("the", "these", "those", "its", "their", "our", "your", "my", "all", "his", "her");
const checkOtherOptions: Check = (t, m) => !OTHER_NOT_PREV.has(prevW(t, m.s));

/**
 * "stuck": the subject must be the reasoner ("I'm stuck", "I keep getting
 * stuck", "we're still stuck"), or the phrase opens a clause ("Still stuck.").
 * "The job is stuck", "the process got stuck" are not.
 */
const STUCK_BETWEEN = S(
  "really", "still", "completely", "totally", "kind", "of", "a", "bit", "so", "pretty", "truly", "honestly",
  "getting", "keep", "kept", "got", "get", "feel", "feeling", "am", "are", "was", "were", "be", "being",
  "again", "little", "seem", "to", "genuinely", "thoroughly", "just", "now", "quite", "rather", "somewhat",
);
const STUCK_SUBJ = S("i", "i'm", "we", "we're", "i've", "we've", "me", "i'd", "im");
const checkStuck: Check = (t, m) => {
  // "we're stuck with 22 minutes" means "forced to accept", not stuck in the reasoning.
  if (nextText(t, m.e) === "with") return false;
  let k = m.s;
  for (let steps = 0; steps < 5; steps++) {
    const p = prevIdx(t, k);
    if (p < 0 || t.type[p] !== WORD || t.nl[k] === 1) {
      // Reached a clause boundary without a subject: "Still stuck." / "Stuck again."
      m.s = k;
      return true;
    }
    const w = wd(t, p);
    if (STUCK_SUBJ.has(w)) {
      m.s = p;
      return true;
    }
    if (!STUCK_BETWEEN.has(w)) return false;
    k = p;
  }
  return false;
};

const HARD_TO_OK = S("solve", "figure", "crack", "untangle", "work", "reason", "pin", "prove", "get", "do", "find", "see", "follow", "keep", "track", "make");
const HARD_NEXT_OK = S("and", "but", "so", "because", "hmm", "now", "here", "though", "already", "indeed");
const checkHard: Check = (t, m) => {
  const q = nextIdx(t, m.e);
  if (q >= t.n || t.nl[q] === 1) return true;
  const w = wd(t, q);
  if (t.type[q] === PUNCT) return w !== "(" && w !== "-" && w !== "/";
  if (HARD_NEXT_OK.has(w)) return true;
  if (w === "to") return HARD_TO_OK.has(nextText(t, q));
  return false;
};

/**
 * "is said / alleged / rumoured to <verb>" (hearsay), not "was said to him",
 * "was claimed to the insurer", and not a definition: "a graph is said to be
 * connected if ...", which scans at most 8 tokens of the sentence for if/when.
 */
const HEARSAY_TO_NOT_NEXT = S(
  "the", "a", "an", "his", "her", "their", "its", "my", "your", "our", "him", "them", "me", "us", "it", "this", "that",
  "these", "those", "police", "authorities", "court", "whom", "which", "what", "anyone", "everyone", "someone",
);
const DEFINITION_MARKERS = S("if", "iff", "when", "whenever", "provided", "precisely");
const checkHearsayTo: Check = (t, m) => {
  const q = nextIdx(t, m.e);
  if (q >= t.n || t.type[q] !== WORD || t.text.charCodeAt(t.start[q]!) < 97) return false;
  if (HEARSAY_TO_NOT_NEXT.has(wd(t, q))) return false;
  let k = q;
  for (let steps = 0; steps < 8; steps++) {
    k = nextIdx(t, k);
    if (k >= t.n || t.nl[k] === 1) break;
    const w = wd(t, k);
    if (t.type[k] === PUNCT && (w === "." || w === "!" || w === "?" || w === ";")) break;
    if (DEFINITION_MARKERS.has(w)) return false;
  }
  return true;
};

/**
 * "expected / predicted to" as a specification or a duty, not a prediction:
 * what code or an answer must do ("the function is expected to return a
 * list", "the output is expected to be sorted") or what a person is told to
 * do ("you are expected to submit by Friday"). i is the index of "expected"
 * or "predicted"; only with "to" after it. Looks at the verb after "to" and at
 * most five words before (the subject). Shared by the lexicon rule and the
 * learned detector's gate.
 */
export function expectationIsSpec(t: Tokens, i: number): boolean {
  const to = nextIdx(t, i);
  if (to >= t.n || wd(t, to) !== "to") return false;
  if (SPEC_VERBS.has(nextText(t, to))) return true;
  let k = i;
  for (let steps = 0; steps < 5; steps++) {
    k = prevIdx(t, k);
    if (k < 0 || t.nl[nextIdx(t, k)] === 1) break;
    const w = wd(t, k);
    if (t.type[k] === PUNCT && (w === "." || w === "!" || w === "?" || w === ";" || w === ":")) break;
    if (steps === 0 || steps === 1 ? DUTY_SUBJECTS.has(w) || SPEC_SUBJECTS.has(w) : SPEC_SUBJECTS.has(w)) return true;
  }
  return false;
}
/** After "expected to": what code does or what a person is told to do. */
const SPEC_VERBS = S(
  "return", "output", "print", "raise", "throw", "accept", "handle", "contain", "pass", "fail", "compile", "emit", "log",
  "implement", "satisfy", "submit", "comply", "follow", "provide", "respond", "render", "parse", "validate", "attend",
  "complete", "wear", "bring", "pay", "adhere", "abide", "obey", "read", "write", "answer", "solve", "use", "include",
);
/** Subjects of a specification: code, a task and its answer. */
const SPEC_SUBJECTS = S(
  "function", "functions", "method", "methods", "output", "outputs", "input", "inputs", "answer", "answers", "solution",
  "solutions", "program", "programs", "script", "scripts", "endpoint", "endpoints", "api", "test", "tests", "code",
  "implementation", "response", "responses", "argument", "arguments", "parameter", "parameters", "caller", "callee",
  "class", "module", "query", "field", "fields", "helper", "handler", "callback", "service", "server", "client", "request",
  "command", "tool", "user", "users", "student", "students", "participant", "participants", "candidate", "candidates",
  "applicant", "applicants", "employee", "employees", "staff", "member", "members", "submission", "submissions",
);
/** Right before the copula: the person told what to do ("you are expected to"). */
const DUTY_SUBJECTS = S("you", "we", "i", "you're", "we're", "i'm", "everyone", "each");

/** "as suspected", "as I / we suspected": the suspicion is confirmed, nothing is left in doubt. */
export function suspicionConfirmed(t: Tokens, i: number): boolean {
  const p = prevIdx(t, i);
  if (p < 0) return false;
  const pw = wd(t, p);
  if (pw === "as") return true;
  return (pw === "i" || pw === "we" || pw === "they" || pw === "he" || pw === "she" || pw === "you") && prevW(t, p) === "as";
}

/**
 * "suspect" / "suspects" as the verb ("officials suspect arson", "we suspect a
 * leak"), not the noun ("the prime suspect", "two suspects were arrested",
 * "police questioned suspects"), not the adjective of a record ("every token
 * issued since then is suspect", "a suspect package") and not the idiom "won't
 * suspect a thing". Looks at one word on either side (two for "a thing").
 * Shared by the lexicon rule and the learned detector's gate.
 */
const SUSPECT_NOUN_PREV = S(
  "the", "a", "an", "this", "that", "these", "those", "each", "every", "any", "no", "another", "other", "only", "prime",
  "main", "chief", "key", "usual", "likely", "possible", "potential", "murder", "terror", "terrorism", "robbery",
  "shooting", "his", "her", "their", "its", "our", "your", "my", "whose", "two", "three", "four", "five", "several",
  "both", "first", "second", "third", "new", "male", "female", "armed", "alleged", "unnamed", "unknown", "one",
  // prepositions: "charges against suspects", "one of the suspects"
  "of", "for", "with", "by", "on", "about", "from", "against", "among", "between", "into", "as", "like",
  // the adjective after a copula or a degree word: "is suspect", "looks suspect", "more suspect"
  "is", "are", "was", "were", "be", "been", "being", "remains", "remain", "look", "looks", "looked", "seem", "seems",
  "seemed", "more", "less", "most", "least", "slightly", "very", "highly", "somewhat", "deeply", "rather", "quite", "too",
);
/** After the word: the noun or adjective ("the suspect was", "suspects fled", "a suspect package"). */
const SUSPECT_NOUN_NEXT = S(
  "was", "were", "is", "are", "has", "have", "had", "'s", "who", "whom", "whose", "fled", "remains", "remain", "died",
  "list", "lists", "pool", "package", "packages", "vehicle", "vehicles", "device", "devices", "car", "cars", "in",
  "at", "of", "and", ")", ".", "!", "?", ";", ":", "said", "told", "appeared", "pleaded", "denied",
);
export function suspectIsNotVerb(t: Tokens, i: number): boolean {
  // Sentence-initial "Suspects were detained" / "Suspect arrested": headline nouns ("I suspect" is its own rule).
  if (clauseStart(t, i)) return true;
  const p = prevW(t, i);
  if (SUSPECT_NOUN_PREV.has(p) || /^\d/.test(p) || p.endsWith("'s")) return true;
  // "police arrested / questioned / detained suspects": a participle before it takes the noun as object.
  if (p.length > 4 && p.endsWith("ed") && p !== "need" && p !== "indeed") return true;
  const q = nextIdx(t, i);
  if (q >= t.n) return true;
  const n = wd(t, q);
  if (SUSPECT_NOUN_NEXT.has(n)) return true;
  // "won't suspect a thing / anything"
  if (n === "anything" || n === "nothing" || (n === "a" && nextText(t, q) === "thing")) return true;
  return suspicionConfirmed(t, i);
}

/**
 * Investigation cues: "police are investigating whether the fire was set",
 * "the study will examine whether ...", "researchers hope to determine
 * whether ...". Only when someone other than the reasoner inquires: not a plan
 * or an instruction of the reasoner ("let me test whether 7 divides 91", "we
 * need to examine if x > 0", "Test whether the list is empty", "To check
 * whether ..."), nor a question about the asker ("the user might be testing
 * if I know the riddle"), nor a check done by code or a formula ("the
 * function tests whether ..."), nor one on numbers ("examine whether 3
 * divides it"). inquiryByThirdParty walks back from the verb over at most six
 * auxiliaries, modals and intent verbs ("will", "are trying to", "hope to")
 * to the word in subject position; checkInvestigation also looks at the word
 * after whether/if.
 */
const INQUIRY_CHAIN = S(
  "is", "are", "was", "were", "be", "been", "being", "am", "has", "have", "had", "will", "would", "can", "could", "may",
  "might", "should", "must", "shall", "to", "also", "now", "still", "currently", "further", "first", "then", "already",
  "not", "soon", "yet", "again", "hope", "hopes", "hoped", "hoping", "aim", "aims", "aimed", "aiming", "seek", "seeks",
  "sought", "seeking", "try", "tries", "tried", "trying", "attempt", "attempts", "attempted", "attempting", "plan", "plans",
  "planned", "planning", "intend", "intends", "intended", "want", "wants", "wanted", "need", "needs", "needed", "going",
  "expect", "expects", "expected", "work", "works", "worked", "working", "set", "sets", "out", "struggle", "struggled",
  "struggling", "continue", "continues", "continued", "began", "begun", "start", "started", "reportedly",
);
/**
 * In subject position: the reasoner or the asker ("I", "let me", "we",
 * "you", "one", "the user"), a text ("the problem", "the puzzle"), code or a
 * formula ("the function", "the test", "it", "which"), or a conjunction that
 * hides the subject ("... and examine whether"): not an investigation.
 */
const NOT_AN_INQUIRER = S(
  "i", "i'm", "i'll", "i'd", "i've", "im", "we", "we're", "we'll", "we'd", "we've", "you", "you're", "you'll", "you'd",
  "let", "let's", "me", "us", "one", "one's", "it", "it's", "this", "that", "which", "what", "who", "there", "here",
  "these", "those", "user", "users", "asker", "questioner", "reader", "readers", "solver", "student", "students",
  "teacher", "person", "player", "contestant", "model", "assistant", "responder", "respondent", "participant",
  "interviewer", "examiner", "function", "functions", "method", "methods", "code", "script", "program", "loop", "test",
  "tests", "check", "checks", "condition", "regex", "query", "algorithm", "routine", "helper", "validator", "assertion",
  "module", "class", "parser", "compiler", "linter", "tool", "command", "step", "steps", "goal", "aim", "idea",
  "approach", "plan", "trick", "point", "purpose", "job", "role", "key", "line", "branch", "clause", "rule", "formula",
  "criterion", "and", "or", "but", "so", "thus", "hence", "therefore", "because", "since", "if", "when", "while",
  "whether", "to", "just", "simply", "easily", "quickly", "carefully",
);
function inquiryByThirdParty(t: Tokens, verb: number): boolean {
  const passive = wd(t, verb).endsWith("ed");
  let sawBe = false;
  let j = verb;
  for (let steps = 0; steps < 6; steps++) {
    const k = prevIdx(t, j);
    if (k < 0 || t.type[k] !== WORD || tk.newlineBetween(t, k, j)) return false;
    const w = wd(t, k);
    j = k;
    if (INQUIRY_CHAIN.has(w)) {
      if (w === "is" || w === "was" || w === "been" || w === "being") sawBe = true;
      continue;
    }
    // "it was examined whether ...": the impersonal passive of a report.
    if (w === "it" && passive && sawBe) return true;
    if (NOT_AN_INQUIRER.has(w) || NAMED_TEXT.has(w)) return false;
    // A number or a lone letter is a maths object ("3 divides", "x tests").
    return w.length > 1 && !/^\d/.test(w);
  }
  return false;
}
/** After whether/if: a test of a person ("testing if you notice", "whether people / the reader notice"), not of a proposition. */
const PERSON_NEXT = S(
  "i", "i'm", "i've", "i'd", "we", "we're", "you", "you're", "you've", "me", "my", "your", "they're", "he's", "she's",
  "people", "someone", "somebody", "anyone", "anybody", "readers", "users", "students", "solvers", "respondents",
);
const PERSON_AFTER_THE = S("user", "reader", "solver", "responder", "respondent", "student", "listener", "contestant", "model", "assistant", "person", "player", "participant");
const checkInvestigation: Check = (t, m) => {
  if (!inquiryByThirdParty(t, m.s)) return false;
  const q = nextIdx(t, m.e);
  if (q >= t.n || t.type[q] !== WORD) return false;
  const n = wd(t, q);
  if (PERSON_NEXT.has(n) || /^\d/.test(n)) return false;
  if ((n === "the" || n === "a") && PERSON_AFTER_THE.has(nextText(t, q))) return false;
  // A lone letter is a variable ("whether x is prime"), except the article.
  return n.length > 1 || n === "a";
};

/**
 * The reasoner's own inquiry, which the learned detector's "whether" must not
 * count ("let me check whether 7 divides 91", "I need to figure out whether
 * to switch", "we should verify whether x > 0"): a verb of checking or
 * deciding right before whether, and, walking back over auxiliaries, a
 * planning word (let, need, should, will, want, have to ...) with the
 * reasoner or no one as its subject. A report of research ("we examined
 * whether", "To test whether ...", which BioScope annotates) has no planning
 * word and keeps its cue. Shared with hedge-cues.ts.
 */
const CHECK_VERBS = S(
  "check", "checking", "verify", "verifying", "determine", "determining", "see", "seeing", "test", "testing", "examine",
  "examining", "figure", "figuring", "find", "finding", "confirm", "confirming", "decide", "deciding", "establish",
  "ascertain", "investigate", "investigating", "explore", "exploring", "assess", "assessing", "evaluate", "evaluating",
  "consider", "considering", "double-check", "recheck", "think", "thinking", "look", "looking",
);
const PLAN_MARKERS = S(
  "let", "let's", "need", "needs", "should", "must", "have", "has", "will", "shall", "can", "could", "want", "wants",
  "going", "gonna", "try", "trying", "i'll", "we'll", "i'd", "we'd", "i'm", "we're", "i've", "we've", "now", "first",
);
const PLAN_SUBJECTS = S("i", "we", "me", "us", "you", "one", "let", "let's", "i'll", "we'll", "i'd", "we'd", "i'm", "we're", "i've", "we've");
export function reasonerPlansInquiry(t: Tokens, whetherIdx: number): boolean {
  let v = prevIdx(t, whetherIdx);
  if (v < 0 || t.type[v] !== WORD) return false;
  // "find out / figure out whether", "think about whether", "look into whether"
  const pv = wd(t, v);
  if (pv === "out" || pv === "about" || pv === "into") v = prevIdx(t, v);
  if (v < 0 || t.type[v] !== WORD || !CHECK_VERBS.has(wd(t, v))) return false;
  let plan = false;
  let sawTo = false;
  let j = v;
  for (let steps = 0; steps < 6; steps++) {
    const k = prevIdx(t, j);
    // Subjectless: a plan ("Need to check whether ...") or an instruction
    // ("Check whether ...", "..., then examine whether"), but not a purpose
    // clause ("To test whether ..., we ...": a report of research).
    if (k < 0 || t.type[k] !== WORD || tk.newlineBetween(t, k, j)) return plan || !sawTo;
    const w = wd(t, k);
    j = k;
    if (w === "to") sawTo = true;
    if (PLAN_MARKERS.has(w)) plan = true;
    if (PLAN_SUBJECTS.has(w)) return plan || w === "let" || w === "let's" || w === "me" || w === "us" || w.includes("'");
    if (!PLAN_MARKERS.has(w) && !INQUIRY_CHAIN.has(w) && w !== "just" && w !== "also" && w !== "quickly" && w !== "carefully") return false;
  }
  return false;
}

/**
 * Whether as the object of another's question or of code's check, not the
 * text's own doubt: the task restated ("the user wants to find out whether
 * ...", "the question asks whether ...") or what code does ("the function
 * tests whether ...", "this helper checks whether ..."). Walks back over a
 * short chain of asking and checking words to its subject, which must be
 * one of those named after the/this/that/our; "I don't know whether", "it is
 * unclear whether" and "researchers examined whether" keep their cue.
 * Shared with hedge-cues.ts.
 */
const ASKED_CHAIN = S(
  "ask", "asks", "asked", "asking", "wants", "want", "wanted", "needs", "is", "are", "was", "to", "find", "out", "know",
  "determine", "see", "check", "checks", "checked", "checking", "tests", "tested", "verifies", "verified", "decides",
  "determines", "confirms", "ensures", "just", "also", "first", "only",
);
const TASK_SUBJECTS = S("user", "users", "asker", "question", "prompt", "problem", "puzzle", "task", "riddle", "customer", "client");
const CODE_SUBJECTS = S(
  "function", "method", "code", "helper", "loop", "script", "program", "test", "tests", "check", "condition", "query",
  "regex", "algorithm", "validator", "middleware", "handler", "guard", "assertion", "clause", "branch", "routine", "api",
  "endpoint", "service", "library", "hook", "filter", "predicate",
);
const DETERMINERS = S("the", "this", "that", "our", "your", "their", "each", "every");
/** In the chain: a question put ("asks", "wants to find out") or a check made ("tests", "checks"); "the question is whether" is neither, and keeps its cue. */
const ASKING = S("ask", "asks", "asked", "asking", "find", "know", "determine", "see");
const CHECKING = S("check", "checks", "checked", "checking", "tests", "tested", "verifies", "verified", "decides", "determines", "confirms", "ensures");
export function othersInquiry(t: Tokens, whetherIdx: number): boolean {
  let j = whetherIdx;
  let asking = false;
  let checking = false;
  for (let steps = 0; steps < 7; steps++) {
    const k = prevIdx(t, j);
    if (k < 0 || t.type[k] !== WORD || tk.newlineBetween(t, k, j)) return false;
    const w = wd(t, k);
    const subject = (TASK_SUBJECTS.has(w) && asking) || (CODE_SUBJECTS.has(w) && checking);
    if (subject) {
      const d = prevIdx(t, k);
      return d >= 0 && t.type[d] === WORD && DETERMINERS.has(wd(t, d));
    }
    if (!ASKED_CHAIN.has(w)) return false;
    if (ASKING.has(w)) asking = true;
    if (CHECKING.has(w)) checking = true;
    j = k;
  }
  return false;
}

/**
 * "the cause of the crash is being investigated", "the proposal is under
 * review": an inquiry still open (the Szeged investigation class). Not the
 * reasoner's object ("this case is being examined by me") nor a maths object
 * ("x is being tested").
 */
const checkBeingInvestigated: Check = (t, m) => {
  const p = prevW(t, m.s);
  if (p.length <= 1 || /^\d/.test(p) || PLAN_SUBJECTS.has(p)) return false;
  const n = nextText(t, m.e);
  return !(n === "by" && S("me", "us", "you").has(nextText(t, nextIdx(t, m.e))));
};

/**
 * "is / remains under investigation" (news: the matter is unsettled), not the
 * noun modifier of research prose ("the protein pairs under investigation",
 * "the compound under investigation binds ...").
 */
const UNDER_INVESTIGATION_PREV = S("is", "are", "was", "were", "be", "been", "being", "remains", "remain", "remained", "still", "currently", "now", "already", "also");
const checkUnderInvestigation: Check = (t, m) => UNDER_INVESTIGATION_PREV.has(prevW(t, m.s));

/**
 * "some / many / others believe ...": a belief or claim of unnamed people. A
 * past form is a verb only when a clause or object follows ("some claimed that
 * ...", "many believed it"), not a participle before a noun ("some suggested
 * fixes", "many reported bugs").
 */
const WEASEL_CLAUSE_NEXT = S(
  "that", "the", "a", "an", "it", "its", "this", "these", "those", "he", "she", "they", "there", "his", "her", "their",
  "to", ":", "so", "otherwise", "him", "them",
);
/** Before some / many: a noun phrase ("after some thought", "with many said to ..."), not a subject. */
const WEASEL_NOT_PREV = S("after", "with", "without", "of", "in", "on", "for", "upon", "to", "by", "from", "at", "give", "gave", "given", "giving", "take", "takes", "took", "need", "needs", "require", "requires");
const WEASEL_PAST = S(
  "argued", "believed", "claimed", "contended", "maintained", "said", "suggested", "speculated", "suspected",
  "thought", "felt", "considered", "alleged", "asserted", "insisted", "feared", "warned", "predicted", "noted",
  "worried", "estimated", "questioned",
);
const checkWeaselSubject: Check = (t, m) => {
  if (WEASEL_NOT_PREV.has(prevW(t, m.s))) return false;
  const v = wd(t, m.e);
  const n = nextText(t, m.e);
  if (v === "think" || v === "thought") {
    if (n === "about" || n === "of" || n === "through" || n === "over") return false;
  }
  if (WEASEL_PAST.has(v) && !WEASEL_CLAUSE_NEXT.has(n)) {
    // "some have argued" is a verb whatever follows.
    const p = prevW(t, m.e);
    if (p !== "have" && p !== "had") return false;
  }
  return true;
};

/**
 * "Critics say ...", "Experts warn that ...": a bare plural of unnamed
 * sources. The verb must follow the noun (with at most an auxiliary or an
 * adverb between), so a named source ("Critics of the plan, including
 * Senator X, said"), a noun compound ("the critics section") and other verbs
 * ("critics were invited") never match. Not a counted source ("two experts
 * said": named by number in news prose, and BioScope-style "three analysts"
 * is a method), nor one after a preposition ("according to critics say"
 * is no clause); past forms only before a clause (checkWeaselSubject).
 */
const NUMBER_WORDS = S("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "dozen", "hundred", "hundreds", "thousand", "thousands", "both");
const checkWeaselSource: Check = (t, m) => {
  const p = prevW(t, m.s);
  if (NUMBER_WORDS.has(p) || /^\d/.test(p)) return false;
  return checkWeaselSubject(t, m);
};

/**
 * "raised the question" put by a person ("She raised the question in the
 * meeting", "Smith raised the question at the hearing"): a speech act, not
 * an open question, unless the question itself follows ("he raised the
 * question of funding / whether ..."). A finding as subject ("This raises the
 * question") always counts.
 */
const PERSON_SUBJECT = S("i", "we", "you", "he", "she", "they", "who", "someone", "somebody");
const FINDING_SUBJECT = S("this", "these", "that", "those", "it", "which", "such", "evidence", "data", "everything", "all");
const QUESTION_COMPLEMENT = S("of", "whether", "if", "as", "about", "how", "why", "what", "which", "who", "when", "where", ":", "—", "–");
const checkRaisedQuestion: Check = (t, m) => {
  const p = prevIdx(t, m.s);
  if (p < 0 || t.type[p] !== WORD) return true;
  const w = wd(t, p);
  // A capitalised subject is a name ("Smith raised"), unless it is a pronoun opening the sentence ("This raises").
  const person = PERSON_SUBJECT.has(w) || (t.text.charCodeAt(t.start[p]!) < 97 && !FINDING_SUBJECT.has(w));
  return !person || QUESTION_COMPLEMENT.has(nextText(t, m.e));
};

/**
 * "The band is considered one of the most influential", "He is considered to
 * be the father of modern physics", "is considered by many to be": a belief
 * whose holders go unnamed. Not:
 * - a possibility or an instruction ("can be considered as two series",
 *   "needs to be considered as a whole": a modal or "to" before "be");
 * - a definition or a puzzle's convention ("a runner is considered to be
 *   across when ...", "even if you are halfway, you are considered to be
 *   across": if / when within 8 tokens either side in the sentence), or a
 *   maths object ("0 is considered to be even", "x is considered as");
 * - weighing an option ("was considered as a possible site", "as part of");
 * - "considered the" before anything but a superlative or a founder ("is
 *   considered the bad prize" is a convention; "the greatest", "the
 *   father of" are beliefs).
 * An agent ("considered by the committee", "we considered the options"),
 * "all things considered" and "when considered together" never match the
 * pattern, which needs a copula right before and one of to be / as / one of
 * / among / the / by many right after.
 */
const CONSIDERED_NOT_PREV = S(
  "can", "could", "may", "might", "should", "must", "will", "would", "shall", "cannot", "can't", "couldn't", "won't",
  "wouldn't", "shouldn't", "to", "not", "you", "we", "i", "someone", "anyone", "everyone", "one", "nobody", "everybody",
  "anybody", "somebody", "each", "every",
);
const CONVENTION_MARKERS = S("if", "iff", "when", "whenever", "provided", "precisely", "once", "until", "unless");
const AS_OPTION_NEXT = S("possible", "potential", "candidate", "candidates", "option", "options", "alternative", "alternatives", "substitute", "replacement", "site", "sites", "whole", "separate", "part", "well");
const CONSIDERED_THE_NEXT = S(
  "most", "first", "father", "mother", "founder", "founders", "inventor", "originator", "leading", "foremost", "premier",
  "best", "worst", "greatest", "finest", "birthplace", "pioneer", "pioneers", "architect", "master",
);
function withinSentence(t: Tokens, from: number, forward: boolean, steps: number, set: Set<string>): boolean {
  let k = from;
  for (let s = 0; s < steps; s++) {
    const j = forward ? nextIdx(t, k) : prevIdx(t, k);
    if (j < 0 || j >= t.n || tk.newlineBetween(t, Math.min(j, k), Math.max(j, k))) return false;
    const w = wd(t, j);
    if (t.type[j] === PUNCT && (w === "." || w === "!" || w === "?" || w === ";")) return false;
    if (set.has(w)) return true;
    k = j;
  }
  return false;
}
const checkConsidered: Check = (t, m) => {
  const p = prevW(t, m.s);
  if (CONSIDERED_NOT_PREV.has(p) || NUMBER_WORDS.has(p) || /^\d/.test(p) || p.length <= 1) return false;
  if (withinSentence(t, m.e, true, 8, CONVENTION_MARKERS) || withinSentence(t, m.s, false, 8, CONVENTION_MARKERS)) return false;
  const last = wd(t, m.e);
  const n = nextText(t, m.e);
  if (last === "as") {
    if (AS_OPTION_NEXT.has(n)) return false;
    if ((n === "a" || n === "an" || n === "the") && AS_OPTION_NEXT.has(nextText(t, nextIdx(t, m.e)))) return false;
  }
  if (last === "the") return CONSIDERED_THE_NEXT.has(n) || (n.length > 4 && n.endsWith("est"));
  return true;
};

/**
 * "is unknown" of a quantity in maths: a value still to be solved for, not an
 * open question ("x is unknown", "the third side is unknown", "what is the
 * angle between AC and the horizontal? That is unknown."). The subject is a
 * lone letter, a number or a maths quantity; or it is this / that / it and a
 * maths quantity stands within the 12 tokens before (the question it
 * answers). "The exact number of victims is unknown" and "its function is
 * unknown" stay hedges.
 */
const MATH_QUANTITY = S(
  "angle", "angles", "length", "lengths", "side", "sides", "value", "values", "variable", "variables", "coefficient",
  "coefficients", "constant", "constants", "term", "terms", "root", "roots", "radius", "diameter", "height", "width",
  "area", "perimeter", "volume", "slope", "exponent", "coordinate", "coordinates", "parameter", "parameters",
  "quantity", "quantities", "digit", "digits", "sum", "product", "ratio", "hypotenuse", "remainder", "quotient",
  "denominator", "numerator", "derivative", "integral", "vector", "matrix", "vertex", "base", "velocity", "speed",
  "distance", "mass", "x", "y", "z", "n", "k",
);
const checkUnknown: Check = (t, m) => {
  const p = prevW(t, m.s);
  if (p.length <= 1 || /^\d/.test(p) || MATH_QUANTITY.has(p)) return false;
  if (p !== "that" && p !== "this" && p !== "it" && p !== "which") return true;
  let k = prevIdx(t, m.s);
  for (let steps = 0; steps < 12; steps++) {
    k = prevIdx(t, k);
    if (k < 0) return true;
    if (MATH_QUANTITY.has(wd(t, k))) return false;
  }
  return true;
};

/**
 * "widely believed", "generally thought", "often regarded as": a belief with
 * no one named. Not "often thought about / of" (thinking as an activity) and
 * not "considered" as "taken into account" ("often considered separately"):
 * "considered" counts only before a clause or a predicate ("often considered
 * his best work", "generally considered to be").
 */
const checkWeaselAdverb: Check = (t, m) => {
  const v = wd(t, m.e);
  const n = nextText(t, m.e);
  if (n === "about" || n === "of" || n === "through" || n === "over") return false;
  if (v === "considered") return !S("separately", "here", "below", "above", "later", "first", "next", "in", "for", "when", "if", ".", ",").has(n);
  return true;
};

/**
 * "it is believed / reported that", "it has been reported": impersonal
 * hearsay. Not attributed or directed ("it was reported by Reuters / to the
 * police"), not "thought of as".
 */
const IMPERSONAL_NOT_NEXT = S("to", "by", "in", "on", "at", "of", "about", "as", "for", "from", "with", "\"", "“", "'", "‘", ":");
/**
 * "In the problem statement, it's said that ...": the source is named (a text
 * the reader has), so nothing is hearsay. Scans back at most 6 tokens within
 * the sentence for such a text.
 */
const NAMED_TEXT = S(
  "problem", "question", "statement", "prompt", "puzzle", "text", "answer", "description", "riddle", "story", "article",
  "book", "paper", "documentation", "docs", "passage", "version", "source", "premise", "scenario", "setup", "wording",
  "task", "quote", "letter", "presentation", "presentations", "report", "manual", "spec", "specification", "readme",
);
const checkImpersonal: Check = (t, m) => {
  if (wd(t, m.e) !== "that" && IMPERSONAL_NOT_NEXT.has(nextText(t, m.e))) return false;
  let k = m.s;
  for (let steps = 0; steps < 6; steps++) {
    k = prevIdx(t, k);
    if (k < 0 || t.nl[nextIdx(t, k)] === 1) break;
    const w = wd(t, k);
    if (t.type[k] === PUNCT && (w === "." || w === "!" || w === "?" || w === ";")) break;
    if (NAMED_TEXT.has(w)) return false;
  }
  return true;
};

// ---------------------------------------------------------------------------
// Rules.

const APPROACH_GROUP = `{${APPROACH_NOUNS.join("|")}}`;
const WEASEL_VERB_GROUP =
  "{say|said|claim|claimed|believe|believed|argue|argued|contend|contended|maintain|maintained|suggest|suggested|speculate|speculated|suspect|suspected|think|thought|feel|felt|consider|considered|allege|alleged|assert|asserted|insist|insisted|fear|feared}";
const HARD_ADJ = "{hard|tricky|difficult|tough|confusing|complicated|messy|hairy|frustrating}";
const HARD_ADV = "{|getting|really|very|quite|pretty|so|rather|a bit|kind of|surprisingly|genuinely|too|way too|still|becoming|a lot}";

export const RULES: RuleDef[] = [
  // ----- hedge -------------------------------------------------------------
  { kind: "hedge", patterns: [...HEDGES_SEED_PLAIN, "seemingly", "arguably"] },
  {
    kind: "hedge",
    patterns: [
      "i {|really|still|do|also|now|honestly|genuinely|actually|kinda|kind of|sort of|personally|just} think",
      "i {don't|do not|didn't|did not} think",
      "{i'd|i would} {think|say|guess|imagine|bet|wager|venture}",
      "i {guess|suppose|imagine|reckon|suspect}",
      "i feel like",
    ],
    check: checkThink,
  },
  { kind: "hedge", patterns: ["i {|really|still|do|honestly} believe"], check: checkBelieve },
  {
    kind: "hedge",
    patterns: [
      "i {doubt|wonder}",
      "i wonder {if|whether}",
      "{i'm|i am} {|still|just} wondering {|if|whether}",
      "{i'm|i am} guessing",
      "my {|best} guess",
      "best guess",
      "{my|our} {impression|understanding|hunch|sense|feeling|intuition|thinking} {is|was}",
      "my {impression|hunch}",
      "in my {view|opinion|understanding|experience}",
      "{i'm|i am} {pretty|fairly|reasonably|almost|quite|mostly|moderately} {sure|certain|confident}",
      "if {i'm|i am} not mistaken",
      "if i {recall|remember} {|correctly|right|rightly}",
      "if memory serves",
      "iirc",
      "afaik",
      "as far as i {know|can tell|remember|recall}",
      "{|i'm|i am|i was|i'm still|i am still|we're|we are} not {|entirely|completely|quite|totally|100 %|fully|really|so|too|exactly|very|yet|100|particularly|super} {sure|certain|confident|convinced}",
      "{i'm|i am|i feel} {unsure|uncertain}",
      "uncertain",
      "{hard|difficult|impossible} to {say|tell|know}",
      "chances are",
      "{that|it|this} smells like",
      "{it's|it is} {conceivable|plausible|unclear|not clear|not obvious} {|that|whether|if}",
      "{it's|it is} hard to {say|tell|know}",
      "{plausibly|conceivably}",
      "{i'd|i would} {expect|lean toward|lean towards|suspect|assume}",
      "{my|our} {|best} bet is",
      "unclear {whether|if}",
      // Open questions stated impersonally, as papers and careful answers do ("its function is not known", "remains to be seen").
      "{is|are|was|were|remains|remain} {not|still not|not yet|not well|not fully} {known|understood|clear}",
      "{it's|it is} not {known|certain} {|whether|if}",
      "{remains|remain} to be {seen|determined|elucidated|established|investigated|clarified|tested|resolved|shown|confirmed|proven}",
      // Hyland (2005): "doubt".
      "{raises|raise|raised|raising|cast|casts|casting} {|serious|some|new|further|grave} {doubt|doubts}",
      "{cannot|can't|can not|could not|couldn't} {rule out|exclude} {|the possibility}",
      "no guarantee",
      "{an|the} open question",
      "{i have|i've got|i've|i get} a {feeling|suspicion|hunch|sneaking suspicion|sense}",
      "my gut {says|feeling|tells me|instinct|reaction}",
      "{i'm|i am} {inclined|tempted} to {think|say|believe|guess}",
      "{i'm|i am} leaning {towards|toward}",
      "{could|might|can|would} it be {|that}",
      "is it possible {|that}",
      "{hard|difficult} to {decide|judge|pin down}",
      "{there's|there is} a chance",
      "{there's|there is} a {good|decent|fair|small|real|strong} chance",
      "most likely",
      "more than likely",
      "in all likelihood",
      "{it|that|this|which|there|what} could {|also|well|easily|just} be",
      "{problem|issue|bug|cause|culprit|answer|reason|error|question|leak|fault|explanation|difference|source|intent} could {|also|well} be",
      "{|it|that|this|which} {seems|seem|seemed} {|like|to}",
      "{it|there} {appears|appeared} {|to|that}",
      "{that|this|which} {appears|appeared} {to|that}",
      "{appears|appear|appeared} to",
      "it would {appear|seem}",
      "{it|that|this|which} {sounds|sounded} like",
    ],
  },
  // "raises the question / an interesting possibility" (see the open
  // questions above). Not a question put by a person at a meeting ("She
  // raised the question in the meeting": a speech act, nothing is left open
  // by the text), see checkRaisedQuestion.
  {
    kind: "hedge",
    patterns: ["{raises|raise|raised|raising|opens|open|opened|opening} {the|an|a} {|interesting|important|intriguing|tantalizing|open} {question|possibility}"],
    check: (t, m) => checkRaisedQuestion(t, m),
  },
  // Doubt raised with no one vouching for the claim: "questions have been
  // raised about his role", "doubts have been cast on the findings", "there
  // are concerns that the dam may fail", "raised questions over the deal".
  // MOS:WEASEL lists "questions have been raised" and "there is evidence /
  // concern that" among unsupported attributions; FactBank (Saurí &
  // Pustejovsky 2009) lowers the factuality of an event that is questioned
  // or feared. Only with what is doubted after it (about / over / whether /
  // that; "concerns" and "fears" only before a clause: "concerns about cost"
  // is no doubt about a fact), so "five questions were raised at the
  // meeting" and quiz questions never match.
  {
    kind: "hedge",
    patterns: [
      "{questions|doubts} {have been|has been|had been|were|are being|have also been|have again been|have recently been} raised {about|over|whether|regarding|as to|concerning}",
      "{concerns|fears} {have been|has been|had been|were|are being|have also been} raised {that|whether|about whether|over whether}",
      "{doubt|doubts} {has been|have been|had been|was|were|is being|are being} cast {on|upon|over}",
      "there {are|were|have been|had been|remain|is|was} {|some|growing|serious|widespread|lingering|persistent|increasing|also|real|still|now} {questions|doubts|concerns|fears} {that|whether|about whether|over whether|as to whether}",
      "there {are|were|have been|had been|remain|is|was} {|some|growing|serious|widespread|lingering|persistent|increasing|also|real|still|now} doubts {about|over|as to|regarding}",
      "{questions|doubts} {remain|remained|persist|persisted|linger|lingered} {about|over|whether|as to|regarding}",
      "{raises|raised|raise|raising} {|serious|new|further|some|many|grave|troubling|fresh} questions {about|over|whether|as to|regarding|concerning}",
      "{raises|raised|raise|raising} {|serious|new|further|some|grave|fresh} {concerns|fears} {that|whether}",
    ],
    check: (t, m) => !NUMBER_WORDS.has(prevW(t, m.s)) && !/^\d/.test(prevW(t, m.s)),
  },
  // Hearsay and unattributed opinion in news and encyclopedic text. Sources:
  // Wikipedia's Manual of Style, "Words to watch" (MOS:WEASEL "it is said",
  // "some people say", "many scholars state"; MOS:CLAIM), whose weasel tags
  // the CoNLL-2010 Wikipedia uncertainty data was built from (Farkas et al.
  // 2010; Szarvas et al. 2012 count such cues as doxastic / epistemic
  // uncertainty); Prince, Frader & Bosk (1982) "attribution shields"
  // ("according to ..."). "reported" is left out: BioScope, the biomedical
  // part of the same scheme, does not count "it has been reported that".
  // "is believed / thought / reported / suspected to": the same hearsay with a
  // belief verb (Ganter & Strube 2009: the agentless passive is one of the
  // three kinds of Wikipedia weasel; Szarvas et al. 2012 file believe/think as
  // doxastic uncertainty). Not "considered to", which in puzzles and
  // definitions is a convention ("is considered to have crossed"); "is
  // considered to be / one of" has its own gated rule below.
  {
    kind: "hedge",
    patterns: ["{is|are|was|were|be|been|being} {said|alleged|rumoured|rumored|reputed|purported|claimed|believed|thought|reported|suspected|understood} to"],
    check: checkHearsayTo,
  },
  {
    kind: "hedge",
    patterns: [
      "according to some",
      "{speculation|rumours|rumors|rumour|rumor} {that|about|over|of}",
      "{claims|claimed|claiming} to {be|have}",
    ],
  },
  // Impersonal hearsay: "it is said / believed / reported that", "it has been
  // reported". MOS:WEASEL ("it is said", "it is often reported", "it has been
  // claimed"); Ganter & Strube (2009), the agentless passive. "considered" and
  // "understood" only with "that" ("it is considered perfect" is a definition).
  {
    kind: "hedge",
    patterns: [
      "{it is|it's|it was|it has been|it had been|it has long been} {|often|widely|commonly|sometimes|also|generally|long|now|popularly|frequently|further} {said|claimed|alleged|rumoured|rumored|believed|thought|reported|suspected|speculated|argued|feared} {|that}",
      "{it is|it was|it has been|it had been} {|often|widely|commonly|sometimes|also|generally|now} {considered|understood} that",
      // The same agentless passive of an assumption or a hypothesis: "it is
      // assumed that", "it has long been hypothesized that" (MOS:WEASEL, "it
      // is believed"; Szarvas et al. 2012, doxastic: assume, hypothesize).
      // Nobody here introduces a premise, so it is no longer filed as the
      // reasoner's assumption; a named text ("in the problem statement it is
      // assumed that") still makes it one (checkImpersonal).
      "{it is|it's|it was|it has been|it had been|it has long been} {|often|widely|commonly|sometimes|also|generally|now|usually|implicitly|tacitly|traditionally} {assumed|presumed|hypothesized|hypothesised|postulated} that",
    ],
    check: checkImpersonal,
  },
  // An assumption held by unnamed people: "a common assumption is that", "the
  // widespread assumption that" (MOS:WEASEL: "many are of the opinion", "it
  // is widely thought"; the belief is attributed to no one). Not "my / our
  // common assumption" (someone's own) nor "no common assumption".
  {
    kind: "hedge",
    patterns: ["{common|widespread|popular|prevailing|conventional|widely-held|commonly-held|long-held|widely held|commonly held|long held} {assumption|assumptions}"],
    check: (t, m) => !S("my", "our", "your", "his", "her", "their", "its", "no", "without", "any").has(prevW(t, m.s)),
  },
  // Estimation: "an estimated 3,000 people", "the map is estimated to be 10%
  // complete", "it has been estimated that". FactBank (Saurí & Pustejovsky
  // 2009) treats estimate as lowering an event's factuality, and the
  // training papers of BioScope annotate "is estimated to be" (2 of 2) and
  // "it has been estimated that" (2 of 3) as speculation cues. They do not
  // annotate approximators ("approximately 600 aa", "about 35 sites",
  // "around 60000": 0 of 40), nor "an estimated" before a measure ("an
  // estimated posterior odds ratio": 1 of 3), so neither is a rule here:
  // "an estimated" counts only before a number, and "estimated at $2
  // million" (absent from the papers) is left out.
  {
    kind: "hedge",
    patterns: ["an estimated"],
    check: (t, m) => {
      const q = nextIdx(t, m.e);
      if (q >= t.n) return false;
      const n = wd(t, q);
      return /^\d/.test(n) || n === "$" || n === "€" || n === "£" || NUMBER_WORDS.has(n) || n === "million" || n === "billion";
    },
  },
  {
    kind: "hedge",
    patterns: ["{is|are|was|were|be|been|being} {|now|currently|conservatively|also|further|roughly} estimated to"],
    check: checkHearsayTo,
  },
  // Prediction in the agentless passive: "the storm is expected to reach
  // the coast", "the allele is therefore predicted to produce a truncated
  // protein". The prediction is attributed to no one, the construction of
  // "is believed / thought to" above (MOS:WEASEL; Ganter & Strube 2009), and
  // an unverified prediction is epistemic uncertainty in Szarvas et al.
  // (2012). Not a specification or a duty ("the function is expected to
  // return a list", "you are expected to submit by Friday"), see
  // expectationIsSpec.
  {
    kind: "hedge",
    patterns: ["{is|are|was|were|be|been|being|it's|they're|that's} {|now|currently|therefore|thus|also|widely|generally|further|still|initially|originally|not|then} {expected|predicted} to"],
    check: (t, m) => checkHearsayTo(t, m) && !expectationIsSpec(t, prevIdx(t, m.e)),
  },
  {
    kind: "hedge",
    patterns: ["{it is|it was|it has been|it had been|it has recently been|it has also been|it has now been} {|recently|widely|generally|commonly|also|now|further} estimated that"],
    check: checkImpersonal,
  },
  // Unnamed people as the believers: MOS:WEASEL ("some people say", "many
  // scholars state", "most feel"); Ganter & Strube (2009), numerically vague
  // subjects ("some", "many", "experts"). Only with a verb of saying or
  // believing right after, so "some of the 12 apples" or "some tests failed"
  // never match; past forms only before a clause (checkWeaselSubject).
  {
    kind: "hedge",
    patterns: [
      `{some|many|others|most} {|have|had} ${WEASEL_VERB_GROUP}`,
      `{some|many|most} {people|critics|observers|experts|scholars|historians|commentators|analysts|sources|researchers|fans} ${WEASEL_VERB_GROUP}`,
    ],
    check: checkWeaselSubject,
  },
  // The same unnamed sources without "some" / "many": "Critics say",
  // "Opponents contend", "Experts warn", "Analysts predict that". MOS:WEASEL
  // ("critics say", "experts declare", "observers note" are among its
  // examples of unsupported attributions); Ganter & Strube (2009), weasel
  // subjects that name a group, not a person. Plural only ("the critic said"
  // is one person, usually named nearby).
  {
    kind: "hedge",
    patterns: [
      "{critics|opponents|supporters|proponents|detractors|skeptics|sceptics|experts|analysts|observers|commentators|pundits|insiders|sources|scholars|historians|economists|scientists|researchers} {|have|had|also|often|have long|have also|long} {say|said|argue|argued|claim|claimed|contend|contended|believe|believed|warn|warned|predict|predicted|note|noted|suggest|suggested|insist|insisted|assert|asserted|fear|feared|think|thought|speculate|speculated|suspect|suspected|allege|alleged|worry|worried|estimate|estimated|question|questioned}",
    ],
    check: checkWeaselSource,
  },
  // The agentless passive of belief without an adverb: "is considered one of
  // the most influential", "is considered to be the father of", "is
  // considered by many to be". Ganter & Strube (2009): the agentless passive
  // is one of the three kinds of Wikipedia weasel; MOS:WEASEL ("is
  // considered"). Gated for modals, definitions, puzzle conventions and
  // maths objects (checkConsidered).
  {
    kind: "hedge",
    patterns: [
      "{is|are|was|were|be|been|being} considered {to be|as|one of|among|the}",
      "{is|are|was|were|be|been|being} considered by {many|some|most|others}",
    ],
    check: checkConsidered,
  },
  // Weakening adverbs before a belief verb: Ganter & Strube (2009), the third
  // kind of weasel ("often", "widely"); MOS:WEASEL ("it is widely thought",
  // "is widely regarded as").
  {
    kind: "hedge",
    patterns: [
      "{widely|generally|commonly|often|popularly|traditionally|frequently|sometimes|universally|broadly} {believed|thought|considered|regarded|held|assumed|said|claimed|rumoured|rumored|suspected|felt}",
      "{widely|generally|commonly|often|popularly|traditionally|frequently|sometimes|broadly} {seen|viewed|described|cited|portrayed|perceived} as",
    ],
    check: checkWeaselAdverb,
  },
  // Investigation (Szarvas et al. 2012; the Szeged Uncertainty Corpus, Vincze
  // 2014): research or an inquiry into a proposition whose truth is open
  // ("police are investigating whether", "the study examined whether").
  // "determine / check / verify whether" are left out: in maths and code they
  // are the task itself ("determine whether the series converges").
  {
    kind: "hedge",
    patterns: [
      "{investigate|investigates|investigated|investigating|examine|examines|examined|examining|probe|probes|probed|probing|study|studies|studied|studying|explore|explores|explored|exploring|test|tests|tested|testing|assess|assesses|assessed|assessing|analyse|analyses|analysed|analysing|analyze|analyzes|analyzed|analyzing|look into|looks into|looked into|looking into} {whether|if}",
    ],
    check: checkInvestigation,
  },
  { kind: "hedge", patterns: ["under investigation"], check: checkUnderInvestigation },
  // The same open inquiry stated without its investigator: "the cause of the
  // crash is being investigated", "the decision is under review" (Szarvas et
  // al. 2012 / Szeged Uncertainty Corpus, investigation). "is under review"
  // shares the copula gate of "under investigation" ("the code under review"
  // is a noun modifier).
  {
    kind: "hedge",
    patterns: ["{is|are|was|were} {|still|currently|now|also} being {investigated|examined|probed|studied|reviewed|assessed|looked into}"],
    check: checkBeingInvestigated,
  },
  { kind: "hedge", patterns: ["under review"], check: checkUnderInvestigation },
  // An investigator's aim ("researchers hope to determine whether", "police
  // are trying to find out whether", "officials want to establish whether";
  // Szeged investigation). Only with a third party in subject position: the
  // reasoner's "I want to find out whether the loop terminates" and "we need
  // to determine whether the sum converges" are plans (inquiryByThirdParty).
  {
    kind: "hedge",
    patterns: [
      "{hope|hopes|hoped|hoping|aim|aims|aimed|aiming|seek|seeks|sought|seeking|try|tries|tried|trying|attempt|attempts|attempted|attempting|plan|plans|planned|planning|intend|intends|intended|want|wants|wanted|need|needs|expect|expects|working|struggling} to {determine|find out|establish|ascertain|discover|learn|examine|investigate|assess|test|explore|understand|check|verify|see} {whether|if}",
      "set out to {determine|find out|establish|ascertain|discover|examine|investigate|assess|test|explore} {whether|if}",
    ],
    check: checkInvestigation,
  },
  // The same open question with the negative adjective: "the cause is unknown",
  // "the date remains undetermined" (BioScope annotates "is unknown" as a
  // speculation cue; Szarvas et al. 2012, epistemic). Not a maths unknown
  // ("x is unknown", "the angle is unknown", "what is the angle ...? That is
  // unknown."), see checkUnknown.
  {
    kind: "hedge",
    patterns: ["{is|are|was|were|remains|remain|remained} {|still|largely|currently|as yet|also} {unknown|undetermined|unresolved}"],
    check: (t, m) => checkUnknown(t, m),
  },
  // FactBank's source-introducing predicates (Saurí & Pustejovsky 2009):
  // "suspect" lowers the factuality of what is suspected ("the suspected
  // gunman", "police suspected arson", "is suspected of"). Not the noun ("the
  // prime suspect that ...") nor a suspicion confirmed ("as I suspected").
  { kind: "hedge", patterns: ["suspected"], check: (t, m) => !suspicionConfirmed(t, m.s) },
  // The bare verb too ("officials suspect arson", "we suspect a leak"):
  // Hyland (2005), appendix list of hedges, "suspect". Not the noun, the
  // adjective or "won't suspect a thing" (suspectIsNotVerb). "I suspect
  // (that)" stays the first-person hedge "I suspect" above.
  { kind: "hedge", patterns: ["{suspect|suspects} {|that}"], check: (t, m) => prevW(t, m.s) !== "i" && !suspectIsNotVerb(t, m.s) },
  // MOS:CLAIM (above) and Hyland (2005) "claim / claims / claimed". Not "I / we
  // claim that" (an assertion in a proof) and not "claim" the noun.
  { kind: "hedge", patterns: ["{claim|claims|claimed} that"], check: (t, m) => !S("i", "we", "i'll", "we'll", "to").has(prevW(t, m.s)) },
  // The reasoner's doubt about its own knowledge: Hyland (2005), appendix list
  // of hedges ("to my knowledge"); Prince, Frader & Bosk (1982) "plausibility
  // shields" (the speaker's doubt about what they know), beside the
  // lexicon's "if I recall correctly" / "if I'm not mistaken".
  {
    kind: "hedge",
    patterns: [
      "to {my|the best of my} knowledge",
      "unless {i'm|i am} {mistaken|misremembering|wrong}",
      "i {could|might|may} be {wrong|mistaken|misremembering|misreading}",
      "i {vaguely|faintly|dimly} {remember|recall|recollect}",
      "my recollection is",
      "off the top of my head",
    ],
  },
  { kind: "hedge", patterns: ["{i|we} {don't|do not} {|really} know"], check: checkIDontKnow },
  { kind: "hedge", patterns: ["{it's|it is} {|quite|entirely|very|certainly|also} possible {|that}"], check: checkPossibleThat },
  { kind: "hedge", patterns: ["likely", "unlikely"], check: checkLikely },
  { kind: "hedge", patterns: ["{could|might} {|well|also|just} be"], check: (t, m) => clauseStart(t, m.s) },
  { kind: "hedge", patterns: ["possibly"], check: checkPossibly },
  { kind: "hedge", patterns: ["might {|be|have|not|well|also|just|actually}"], check: checkMight },
  { kind: "hedge", patterns: ["may {be|have|not|well|also be}"], check: checkMay },
  { kind: "hedge", patterns: ["{it|that|this|which} {looks|look|looked} like"], check: checkLooksLike },
  { kind: "hedge", patterns: ["{suggest|suggests}"], check: checkSuggest },

  // ----- assumption --------------------------------------------------------
  { kind: "assumption", patterns: ["{assume|assuming|assumed} {|that}"], check: checkAssume },
  {
    kind: "assumption",
    patterns: [
      "{let's|let us|let me|i'll|i will|we'll|we will|i'm going to|we're going to|we can|we could|i can|we may|i'll just|we'll just|if we|if i|if you|we must|we have to|i have to|we need to|i need to|i'd|i had|we} {assume|assumed} {|that}",
      "{i'm|i am|we're|we are} {assuming|assume} {|that}",
      "{is|are|was|were|be} assumed",
      "{let's|let us|let me|i'll|we'll|now|so|if we|if i} suppose {|that}",
      "suppose that",
      "{under|on|with} the assumption {|that}",
      "{my|our} {|working|main|key|initial|implicit|underlying} {assumption|assumptions} {|is|was|are|were|here is|here}",
      "presumably",
      "{let's|let us} {say|pretend|imagine|posit|stipulate}",
      "for the sake of argument",
      "hypothetically {|speaking}",
      "{let's|let us|let me|i'll|we'll|we} {hypothesize|hypothesise|presume|postulate}",
      "{i|we} {presume|presumed}",
      "{presuming|presume}",
      "without loss of generality",
      "wlog",
      "i take it",
      "{take|taking|took|taken} {it|that|this} as given",
      "{take|taking|took|taken} for granted",
    ],
  },
  { kind: "assumption", patterns: ["{assumption|assumptions}"], check: checkAssumption },
  { kind: "assumption", patterns: ["{suppose|supposing}"], check: checkSuppose },
  { kind: "assumption", patterns: ["say"], check: checkSayAssume },
  { kind: "assumption", patterns: ["{ignoring|neglecting|disregarding}"], check: (t, m) => clauseStart(t, m.s) },
  {
    kind: "assumption",
    patterns: ["{if we|if i|let's|let us|let me|we can|i'll|we'll|we|i} {take|consider|regard}", "taking"],
    check: lookaheadFor(true, true),
  },
  {
    kind: "assumption",
    patterns: ["{if we|if i|let's|let us|let me|we can|i'll|we'll|we|i} {treat|model}", "treating"],
    check: lookaheadFor(false, true),
  },

  // ----- self_correction ---------------------------------------------------
  {
    kind: "self_correction",
    patterns: [
      "{|but|oh|ah|no|hmm|hm|um|uh|actually|nope} {|,} wait {|, no|no|, wait|a minute|a moment|a second|a sec|one moment|one second|just a moment|a bit}",
    ],
    check: checkWait,
  },
  { kind: "self_correction", patterns: ["{|but|oh|wait|no|hmm} {|,} {hold|hang} on"], check: checkHoldOn },
  {
    kind: "self_correction",
    patterns: ["{|no|wait|oh|but|hmm|well|ah|hm} {|,} actually {|, no|, wait|wait|no}"],
    check: checkActually,
  },
  {
    kind: "self_correction",
    patterns: [
      "{let me|let's|let us|i should|i need to|i'll|i will|i must|i have to|i'd better|we should|we need to|time to|i want to|i'm going to|better} {reconsider|rethink|re-think|redo|re-do|re-evaluate|reevaluate|re-examine|reexamine|revisit|backtrack|retrace|re-derive|rederive|re-approach|start over|start again|start from scratch|correct that|correct this|correct myself}",
      "{that's|that is|this is|that was|this was|which is|that'd be|that would be} {|definitely|clearly|obviously|also|still|actually|just|all|completely|totally|certainly|simply} {wrong|incorrect|a mistake|an error|mistaken|backwards}",
      "{that's|that is|this is|that was|this was|which is} not {|quite|exactly|entirely} {right|correct|it}",
      "{that|this|it} {isn't|is not|wasn't|was not} {|quite} {right|correct}",
      "{that|this} {can't|cannot|can not|couldn't|could not} be {right|correct|true|it}",
      "{that|this} {doesn't|does not} {seem|look|sound} {|quite} {right|correct}",
      "{that|this} {doesn't|does not} add up",
      "{i was|i'm|i am|i've been|i had been} {wrong|mistaken}",
    ],
    check: checkWrongFamily,
  },
  { kind: "self_correction", patterns: ["{i|we} {had|got|have|'ve got}"], check: checkHadWrong },
  {
    kind: "self_correction",
    patterns: [
      "{i|i've|i have|we|we've|we have} {|must have|may have|might have|clearly|just|probably|apparently|obviously|definitely} made {a|an|another|one}",
    ],
    check: checkMadeMistake,
  },
  {
    kind: "self_correction",
    patterns: [
      "{i|i've|i have|we|we've} {|must have|may have|might have|clearly|just|obviously|completely|totally} {miscalculated|misread|misunderstood|miscounted|misremembered|misinterpreted|misapplied|mixed up|messed up|confused|got that wrong|got it wrong|had it backwards|had that backwards|had it wrong|had that wrong|overcounted|undercounted|double-counted|double counted|misspoke}",
    ],
    check: checkOwnError,
  },
  { kind: "self_correction", patterns: ["{my|our} {mistake|error|bad}", "{mistake|error} in my"], check: checkMyMistake },
  {
    kind: "self_correction",
    patterns: [
      "oops",
      "whoops",
      "scratch that",
      "on {second|further} {thought|thoughts|reflection}",
      "on reflection",
      "i take that back",
      "let me try {again|that again}",
      "{i'm|i am|i was|i've been|maybe i'm|perhaps i'm} {overcomplicating|overthinking|overcomplicated|overthought|over-complicating|over-thinking} {this|it|things|the problem}",
      "{that|this} approach {fails|failed|doesn't work|does not work|won't work|didn't work|is wrong|is flawed|breaks down}",
      "{that|that idea|that approach} {doesn't|does not|won't|didn't} work",
      "i stand corrected",
      "correcting myself",
    ],
  },
  { kind: "self_correction", patterns: ["{never mind|nevermind}", "{reconsidering|rethinking|backtracking|re-evaluating|re-examining}"], check: atClauseStart },
  { kind: "self_correction", patterns: ["correction"], check: checkCorrection },
  { kind: "self_correction", patterns: ["not quite", "no no"], check: checkHmmNo },
  { kind: "self_correction", patterns: ["{hmm|hm|hmmm|oh|ah} {|,} no"], check: checkHmmNo },

  // ----- alternative -------------------------------------------------------
  {
    kind: "alternative",
    patterns: [
      "alternatively",
      "{or|and} alternatively",
      "on the other hand",
      "or {maybe|perhaps|possibly}",
      "then again",
      "what if instead",
      "{we|i|or we|or i|one} could also",
      "{a|another|the} middle {path|ground|way|option}",
      "{one|another} other {thing to try|option|way|approach|idea|possibility}",
      "{or|or else} {we|i|you} {could|can|might}",
      "{a|one|another} {cleaner|better|simpler|safer|cheaper|faster|easier|more robust|second|third} {option|alternative|approach|way|fix|solution|strategy|idea|route}",
    ],
  },
  { kind: "alternative", patterns: ["could also"], check: (t, m) => clauseStart(t, m.s) },
  { kind: "alternative", patterns: ["one {possibility|option|idea|approach|alternative|fix|way}"], check: (t, m) => clauseStart(t, m.s) && nextText(t, m.e) !== "of" },
  { kind: "alternative", patterns: ["another"], check: (t, m) => S("is", "would", "could", "option", ":").has(nextText(t, m.e)) && !ANOTHER_NOT_PREV.has(prevW(t, m.s)) },
  { kind: "alternative", patterns: ["{instead|alternately}"], check: checkInsteadComma },
  { kind: "alternative", patterns: ["the other {option|way|approach|route|possibility|idea|strategy}"], check: checkTheAlternative },
  { kind: "alternative", patterns: ["{another|an|one|the|a second|a third|one more} alternative"], check: checkTheAlternative },
  { kind: "alternative", patterns: [`{an|another|one|the|one more|} alternative ${APPROACH_GROUP}`] },
  { kind: "alternative", patterns: ["alternatives"], check: checkAlternatives },
  { kind: "alternative", patterns: [`{another|one more|a different|a new|a totally different|a completely different|an entirely different} ${APPROACH_GROUP}`], check: checkAnother },
  { kind: "alternative", patterns: ["other {options|possibilities|approaches|ideas|ways|interpretations|explanations|alternatives|strategies}"], check: checkOtherOptions },

  // ----- stuck -------------------------------------------------------------
  { kind: "stuck", patterns: ["stuck"], check: checkStuck },
  {
    kind: "stuck",
    patterns: [
      `{this is|this was|it's|it is|it was|that's|that is|this one is|this problem is|this part is|this step is|this seems|this feels|it seems|this looks|this gets|this got|this is getting|it's getting|this has become|this one's} ${HARD_ADV} ${HARD_ADJ}`,
    ],
    check: checkHard,
  },
  {
    kind: "stuck",
    patterns: [
      "{this|it|that} {is|was|seems} {|much|way|a lot|far} harder than {i|expected|it|anticipated}",
      "{this|it|that}'s {|much|way|a lot|far} harder than {i|expected|it|anticipated}",
      "{i|we} {can't|cannot|can not|couldn't|still can't|just can't|still cannot} {figure|work out|see how|see a way|find a way|seem to find|seem to figure|crack|make sense of|get anywhere}",
      "{i|we} {don't|do not} see {how|a way|any way}",
      "{i have|i've got|i've|we have} no idea {how|why|what}",
      "no idea how to",
      "{i|we} {don't|do not|didn't|did not} know how to {proceed|continue|approach|solve|go on|move forward|fix|make progress|get}",
      "{|i'm|i am|i'm really} {not sure|unsure} how to {proceed|continue|approach this|solve this|go on|move forward|make progress}",
      "{i'm|i am|we're|we are} {|getting|so|really|a bit|completely|totally|thoroughly|pretty|kind of|still|now|very} {confused|lost}",
      "{i'm|i am} confusing myself",
      "{i'm|we're|i am|we are|i keep|we keep|} {going|running|spinning} {|around|round} in circles",
      "{i|we} give up",
      "{i'm|i am|we're|we are} {|completely|totally|really|a bit|kind of|still} {stumped|baffled|at a loss}",
      "{has|have|had|got} me {stumped|baffled|stuck}",
      "{i'm|i am|we're|we are} running out of {ideas|options|approaches}",
      "{i|we} {can't|cannot|couldn't} make sense of",
      "{this|that|the|my} {approach|method|strategy|idea} {isn't|is not|wasn't|was not} working",
      "{nothing|none of this|none of these} {is working|works|seems to work}",
      "{not sure|unsure} what else to try",
      "{i'm|i am|we're|we are} {having|still having} {trouble|difficulty|a hard time|a tough time}",
      "{i'm|i am|we're|we are} {|really} struggling",
      "{i've been|i'm|i keep|i am} going back and forth",
      "still no idea",
      "no idea {why|how}",
      "{|i'm|we're|i am|we are} not getting anywhere",
      "{i'm|we're|i am|we are} getting nowhere",
      "{i'm|we're|i am|we are|} {not making|making no|making little} progress",
      "{a|another} dead end",
      "{this|that|it} {is|was} a dead end",
      "{this|that|it}'s a dead end",
    ],
  },
];
