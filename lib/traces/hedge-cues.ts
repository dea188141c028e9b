/**
 * Learned hedge (speculation cue) detector, used by the signal extractor
 * (signals.ts) beside the phrase lexicon.
 *
 * A phrase list fits its authors' phrasing; annotated speculation cues in
 * text nobody here wrote use many more words ("suggests", "putative",
 * "whether", "it is thought", "remains unclear"), and the same words are
 * often not hedges ("can be computed", "the predicted structure", "or").
 * So the decision is learned: every occurrence of a candidate word (a word of
 * a cue family below, or a word seen as a cue in the training data) is scored
 * by a logistic regression over the word, its lemma, its family and its
 * neighbours (two words either side). The weights are trained by
 * scripts/train-hedges.ts on BioScope's annotated full papers plus the
 * project's own labelled sentences, and stored in hedge-model.json.
 *
 * Cost: one hash lookup per word token, and feature strings only for the
 * few candidate words, so the whole pass stays linear in the text.
 */
import hedgeModelFile from "./hedge-model.json";
import { expectationIsSpec, othersInquiry, reasonerPlansInquiry, suspectIsNotVerb, suspicionConfirmed } from "./lexicon";
import * as tk from "./tokenize";
import type { Tokens } from "./tokenize";

const WORD = 0;

/**
 * Cue families. A family gives the model a prior for words it never saw as
 * cues in training (a new adverb of doubt behaves like the others), and the
 * evaluation reports precision and recall per family.
 */
export type CueFamily =
  | "modal" // may, might, could, would, should, must
  | "modal_ability" // can, cannot (excluded from epistemic recall: mostly ability)
  | "verb" // suggest, indicate, appear, seem, believe, suspect, propose ...
  | "adjective" // likely, possible, putative, unclear, potential ...
  | "adverb" // probably, perhaps, possibly, presumably ...
  | "noun" // possibility, hypothesis, assumption, speculation ...
  | "uncertainty" // not known / not clear / no evidence / remains to be ...
  | "alternative" // or, either, whether
  | "conditional" // if, unless
  | "other"; // a word seen as a cue in training, outside the families above

/** Families counted in "epistemic" recall; "if", "or", "can" and friends are not. */
export const EPISTEMIC_FAMILIES: readonly CueFamily[] = ["modal", "verb", "adjective", "adverb", "noun", "uncertainty", "other"];

/** lemma -> inflected forms, per family. The lemma is the model's shared feature for its forms. */
const FAMILY_WORDS: Record<Exclude<CueFamily, "other">, Record<string, string[]>> = {
  modal: {
    may: ["may"],
    might: ["might", "mightn't"],
    could: ["could", "couldn't"],
    would: ["would", "wouldn't", "i'd", "it'd", "we'd"],
    should: ["should", "shouldn't"],
    must: ["must"],
  },
  modal_ability: { can: ["can"], cannot: ["cannot", "can't"] },
  verb: {
    suggest: ["suggest", "suggests", "suggested", "suggesting"],
    indicate: ["indicate", "indicates", "indicated", "indicating"],
    appear: ["appear", "appears", "appeared", "appearing"],
    seem: ["seem", "seems", "seemed", "seeming"],
    believe: ["believe", "believes", "believed"],
    think: ["think", "thinks", "thought"],
    suspect: ["suspect", "suspects", "suspected"],
    speculate: ["speculate", "speculates", "speculated", "speculating"],
    hypothesize: ["hypothesize", "hypothesizes", "hypothesized", "hypothesise", "hypothesised", "hypothesizing"],
    propose: ["propose", "proposes", "proposed"],
    assume: ["assume", "assumes", "assumed", "assuming"],
    presume: ["presume", "presumes", "presumed"],
    suppose: ["suppose", "supposes", "supposed"],
    estimate: ["estimate", "estimates", "estimated"],
    predict: ["predict", "predicts", "predicted"],
    expect: ["expect", "expects", "expected"],
    imply: ["imply", "implies", "implied", "implying"],
    infer: ["infer", "infers", "inferred"],
    guess: ["guess", "guesses", "guessed"],
    doubt: ["doubt", "doubts", "doubted"],
    tend: ["tend", "tends", "tended"],
    consider: ["consider", "considers", "considered"],
    wonder: ["wonder", "wonders", "wondered", "wondering"],
    argue: ["argue", "argues", "argued"],
    hope: ["hope", "hopes"],
    look: ["looks", "look"],
    reckon: ["reckon", "reckons"],
    favor: ["favor", "favors", "favour", "favours", "favoring", "favouring"],
    support: ["support", "supports", "supporting"],
  },
  adjective: {
    likely: ["likely"],
    unlikely: ["unlikely"],
    possible: ["possible"],
    impossible: ["impossible"],
    probable: ["probable", "improbable"],
    putative: ["putative"],
    potential: ["potential"],
    unclear: ["unclear"],
    uncertain: ["uncertain"],
    unknown: ["unknown"],
    conceivable: ["conceivable"],
    plausible: ["plausible", "implausible"],
    apparent: ["apparent"],
    doubtful: ["doubtful"],
    hypothetical: ["hypothetical"],
    questionable: ["questionable"],
    debatable: ["debatable"],
    unproven: ["unproven"],
    feasible: ["feasible"],
    consistent: ["consistent"],
    tentative: ["tentative"],
    presumable: ["presumable"],
    suggestive: ["suggestive"],
    prone: ["prone"],
    unsure: ["unsure"],
  },
  adverb: {
    probably: ["probably"],
    possibly: ["possibly"],
    perhaps: ["perhaps"],
    maybe: ["maybe"],
    presumably: ["presumably"],
    apparently: ["apparently"],
    putatively: ["putatively"],
    potentially: ["potentially"],
    conceivably: ["conceivably"],
    seemingly: ["seemingly"],
    arguably: ["arguably"],
    plausibly: ["plausibly"],
    supposedly: ["supposedly"],
    allegedly: ["allegedly"],
    reportedly: ["reportedly"],
    tentatively: ["tentatively"],
    roughly: ["roughly"],
    approximately: ["approximately"],
    largely: ["largely"],
    partly: ["partly"],
  },
  noun: {
    possibility: ["possibility", "possibilities"],
    hypothesis: ["hypothesis", "hypotheses"],
    assumption: ["assumption", "assumptions"],
    speculation: ["speculation"],
    prediction: ["prediction", "predictions"],
    suggestion: ["suggestion"],
    indication: ["indication", "indications"],
    likelihood: ["likelihood"],
    probability: ["probability"],
    idea: ["idea"],
    notion: ["notion"],
    guess: ["guess"],
    hunch: ["hunch"],
    question: ["question"],
    doubt: ["doubts"],
    evidence: ["evidence"],
    guarantee: ["guarantee"],
  },
  uncertainty: {
    clear: ["clear"],
    known: ["known"],
    certain: ["certain", "certainty"],
    sure: ["sure"],
    remain: ["remains", "remain"],
    exclude: ["exclude", "excluded"],
    rule: ["rule", "ruled"],
    confirm: ["confirm", "confirmed"],
    establish: ["established"],
    determine: ["determined"],
    understand: ["understood"],
    elucidate: ["elucidated"],
  },
  alternative: { or: ["or"], either: ["either"], whether: ["whether"] },
  conditional: { if: ["if"], unless: ["unless"] },
};

/**
 * Epistemic markers of news and encyclopedic text taken from published
 * descriptions, none of which occurs in the training data (BioScope papers,
 * our labels): the model has no evidence about them, and a word it never saw
 * scores near the threshold on its family's prior alone (an unseen adverb
 * ~0.51, adjective ~0.45, verb ~0.35 before context). So a listed word is a
 * cue wherever notSpeculative() does not gate it, whatever the model says.
 * Once a retrained model has weights for such a word (the training data
 * showed it), the weights speak for it instead (see loadHedgeModel).
 */
const LISTED_WORDS: Partial<Record<Exclude<CueFamily, "other">, Record<string, string[]>>> = {
  adverb: {
    // Reportative adverbs: hearsay the writer does not vouch for. Wikipedia's
    // Manual of Style, "Words to watch" (MOS:DOUBT, the weasel-word guidance
    // the CoNLL-2010 Wikipedia uncertainty data (Farkas et al. 2010) was
    // built from) lists purported/alleged/supposed; FactBank (Saurí &
    // Pustejovsky 2009) treats such evidential adverbs as lowering the
    // factuality of the event.
    purportedly: ["purportedly"],
    // Evidential / doubt stance adverbs of Biber et al. (1999), Longman
    // Grammar of Spoken and Written English, stance adverbials.
    ostensibly: ["ostensibly"],
    reputedly: ["reputedly"],
  },
  adjective: {
    // MOS:DOUBT (Wikipedia, see above): "alleged", "purported".
    alleged: ["alleged"],
    purported: ["purported"],
    ostensible: ["ostensible"],
    // Unverified report (news): FactBank's "unknown / possible" factuality of
    // reported events (Saurí & Pustejovsky 2009). Gated: "unconfirmed
    // transactions / accounts", see notSpeculative.
    rumoured: ["rumoured", "rumored"],
    unconfirmed: ["unconfirmed"],
    // Szarvas et al. (2012) epistemic adjectives ("speculative" beside
    // "possible", "probable"). Gated: "speculative execution / decoding /
    // investment" are technical or financial terms, see notSpeculative.
    speculative: ["speculative"],
    // Doubt about a claim's truth, the "epistemic" category of Szarvas et al.
    // (2012) and the Szeged Uncertainty Corpus (Vincze 2014): the proposition
    // is open given what is known. "doubtful", "questionable", "debatable"
    // and "uncertain" are family words above (Hyland 2005 lists "doubtful"
    // and "uncertain"); these five are the same judgement in news and
    // Wikipedia prose, where a claim is "disputed" or rests on "unverified"
    // sources. Gated: "unverified email / account", "disputed charge", and
    // "disputed" as a verb with its object ("he disputed the claim"), see
    // notSpeculative.
    dubious: ["dubious"],
    disputed: ["disputed"],
    unverified: ["unverified"],
    unsubstantiated: ["unsubstantiated"],
    uncorroborated: ["uncorroborated"],
  },
  verb: {
    // Hyland (2005), Metadiscourse, appendix list of hedges: "postulate".
    // Gated: the geometry noun ("the parallel postulate").
    postulate: ["postulate", "postulates", "postulated"],
    // FactBank's source-introducing predicates of the speculative kind
    // (allege, suspect, speculate; Saurí & Pustejovsky 2009).
    allege: ["allege", "alleges", "alleging"],
  },
};

export interface CueWord {
  lemma: string;
  family: CueFamily;
  /** from LISTED_WORDS: a cue unless gated, not left to the model */
  listed?: boolean;
}

/** Every inflected form of the families, to its lemma and family. */
export const FAMILY_FORMS: ReadonlyMap<string, CueWord> = (() => {
  const m = new Map<string, CueWord>();
  for (const [family, lemmas] of Object.entries(FAMILY_WORDS) as [CueFamily, Record<string, string[]>][]) {
    for (const [lemma, forms] of Object.entries(lemmas)) for (const f of forms) if (!m.has(f)) m.set(f, { lemma, family });
  }
  for (const [family, lemmas] of Object.entries(LISTED_WORDS) as [CueFamily, Record<string, string[]>][]) {
    for (const [lemma, forms] of Object.entries(lemmas)) for (const f of forms) if (!m.has(f)) m.set(f, { lemma, family, listed: true });
  }
  return m;
})();

/**
 * Uses that no annotation scheme counts as speculation and that neither the
 * BioScope papers nor our labels have enough of to learn: permissions ("you
 * may assume"), idioms ("might as well", "as soon as possible"), probability
 * talk ("equally likely"), ranges ("every possible value") and the month of
 * May. Checked after the model, on the word's immediate neighbours.
 */
function notSpeculative(t: Tokens, i: number, lemma: string): boolean {
  const p = tk.prevW(t, i);
  const n = tk.nextW(t, i);
  switch (lemma) {
    case "may":
      return p === "you" || (t.text.charCodeAt(t.start[i]!) === 77 && (p === "in" || p === "of" || p === "since" || p === "until" || /^\d/.test(n)));
    case "might":
      return n === "as" || p === "all" || p === "his" || p === "her" || p === "their" || p === "its" || p === "with";
    case "would": {
      // "I'd approach this by ...", "I'd start with the base case", "we would
      // like to": the reasoner's plan or wish, a volition of the first person,
      // not a judgement of how likely something is. "I'd guess / say /
      // think / expect" stay hedges (the lexicon's, and the model's here).
      const w = tk.wd(t, i);
      const firstPerson = w === "i'd" || w === "we'd" || (w === "would" && (p === "i" || p === "we"));
      if (!firstPerson) return false;
      if (PLAN_AFTER_WOULD.has(n)) return true;
      // "I'd suggest / propose using X" is advice; "we would suggest that the kinase ..." is a hedged claim.
      if (n === "suggest" || n === "propose") return tk.nextW(t, tk.nextIdx(t, i)) !== "that";
      return n === "be" && (tk.nextW(t, tk.nextIdx(t, i)) === "happy" || tk.nextW(t, tk.nextIdx(t, i)) === "glad");
    }
    case "suggest":
      // "I'd suggest using a map": advice in the first person (see "would" above); "we suggest that ..." stays a cue.
      return (p === "i'd" || p === "we'd" || (p === "would" && (tk.prevW(t, tk.prevIdx(t, i)) === "i" || tk.prevW(t, tk.prevIdx(t, i)) === "we"))) && n !== "that";
    case "likely":
    case "unlikely":
      return p === "equally";
    case "possible":
      // "as soon as possible", "all / every possible value": a range of cases, not a doubt.
      return p === "all" || p === "every" || p === "any" || (p === "as" && (n === "" || t.type[tk.nextIdx(t, i)] !== WORD));
    case "assume":
    case "suppose":
      return p === "may" || p === "can" || p === "not" || p === "don't" || p === "can't" || p === "cannot" || n === "nothing";
    case "think":
      // "I thought about / of / through the problem": thinking as an activity, not a belief.
      // "after some thought", "a thought": the noun.
      return n === "about" || n === "of" || n === "through" || n === "over" || (tk.wd(t, i) === "thought" && THOUGHT_NOUN_PREV.has(p));
    case "suspect":
      // The noun ("the prime suspect", "two suspects were"), the adjective ("is
      // suspect") and a confirmed suspicion ("as I suspected"); the same gate as
      // the lexicon's bare-verb rule. "suspected" is the lexicon's everywhere.
      return tk.wd(t, i) === "suspected" ? suspicionConfirmed(t, i) : p !== "i" && suspectIsNotVerb(t, i);
    case "unverified":
      return UNCONFIRMED_RECORD_NEXT.has(n) || UNVERIFIED_RECORD_NEXT.has(n);
    case "disputed":
      // The verb with an object or a subject pronoun ("he disputed the charge",
      // "they disputed it") and a billing dispute ("the disputed charge").
      return DISPUTED_NOT_NEXT.has(n) || DISPUTED_SUBJECT_PREV.has(p);
    case "speculative":
      return SPECULATIVE_TERM_NEXT.has(n);
    case "unconfirmed":
      return UNCONFIRMED_RECORD_NEXT.has(n);
    case "whether":
      // The reasoner's plan ("let me check whether 7 divides 91", "we need to
      // determine whether x > 0"): the task, not an open question the text
      // reports. See reasonerPlansInquiry in lexicon.ts. Nor another's
      // question or code's check ("the user asks whether", "the function
      // tests whether"): othersInquiry.
      return reasonerPlansInquiry(t, i) || othersInquiry(t, i);
    case "expect":
    case "predict": {
      // A specification or a duty, not a prediction: "the function is
      // expected to return", "you are expected to submit" (expectationIsSpec
      // in lexicon.ts, shared with the lexicon's "is expected / predicted to").
      const w = tk.wd(t, i);
      return (w === "expected" || w === "predicted") && expectationIsSpec(t, i);
    }
    case "postulate":
      // The noun of geometry and logic: "the parallel postulate", "Euclid's postulates".
      return POSTULATE_NOUN_PREV.has(p) || n === "of" || n === "is" || n === "are";
    default:
      return false;
  }
}

/** After a first-person "I'd / we would": a planned action or a wish, not a guess. */
const PLAN_AFTER_WOULD = new Set([
  "approach", "start", "begin", "like", "love", "prefer", "rather", "recommend", "advise", "go", "use", "tackle",
  "proceed", "first", "want", "pick", "choose", "try", "structure", "organize", "organise", "outline", "focus", "break",
  "frame", "handle", "check", "verify", "look", "write", "set", "lay", "sketch",
]);
/** "speculative execution", "speculative decoding", "speculative investment": terms, not doubt. */
const SPECULATIVE_TERM_NEXT = new Set([
  "execution", "executions", "execute", "executed", "decoding", "decode", "sampling", "load", "loads", "store", "stores",
  "fetch", "fetches", "fetching", "prefetch", "prefetching", "branch", "branches", "parallelism", "threading", "threads",
  "lock", "locking", "optimization", "optimizations", "optimisation", "optimisations", "retirement", "path", "paths",
  "investment", "investments", "investor", "investors", "bubble", "bubbles", "trading", "trade", "trades", "buying",
  "grade", "capital", "asset", "assets", "attack", "attacks", "fiction", "design", "architecture",
]);
/** "unconfirmed transactions / email / account": a record's state, not an unverified report. */
const UNCONFIRMED_RECORD_NEXT = new Set([
  "transaction", "transactions", "tx", "txs", "block", "blocks", "balance", "balances", "email", "emails", "e-mail",
  "account", "accounts", "user", "users", "booking", "bookings", "order", "orders", "payment", "payments",
  "deposit", "deposits", "subscription", "subscriptions", "subscriber", "subscribers", "reservation", "reservations",
]);
const THOUGHT_NOUN_PREV = new Set(["some", "much", "a", "the", "any", "no", "more", "little", "further", "careful", "deep", "second", "more", "this", "that", "my", "your", "his", "her", "our", "their", "one", "another", "without"]);
/** "unverified certificate / signature / sender": a security state, not an unverified report. */
const UNVERIFIED_RECORD_NEXT = new Set([
  "certificate", "certificates", "cert", "certs", "signature", "signatures", "sender", "senders", "publisher", "publishers",
  "app", "apps", "domain", "domains", "phone", "number", "numbers", "profile", "profiles", "commit", "commits", "key", "keys",
  "identity", "identities", "developer", "developers", "badge", "status",
]);
/** After the verb "disputed": its object, or a billing dispute's noun. */
const DISPUTED_NOT_NEXT = new Set([
  "the", "a", "an", "this", "that", "these", "those", "his", "her", "their", "its", "my", "our", "your", "it", "them",
  "him", "any", "every", "each", "whether", "with", "charge", "charges", "transaction", "transactions", "payment",
  "payments", "amount", "amounts", "invoice", "invoices", "bill", "bills", "item", "items",
]);
const DISPUTED_SUBJECT_PREV = new Set(["i", "we", "you", "he", "she", "they", "who", "it", "and", "successfully", "also", "never"]);
const POSTULATE_NOUN_PREV = new Set([
  "the", "a", "this", "that", "these", "those", "each", "every", "his", "its", "their", "our", "euclid's", "parallel",
  "first", "second", "third", "fourth", "fifth", "'s",
]);

/** Words that widen a cue to the left ("not known", "no clear evidence", "cannot exclude"). */
const NEGATORS = new Set(["not", "no", "cannot", "never", "without"]);

// ---------------------------------------------------------------------------
// Features.

/** Neighbour word as a feature value: word tokens lower-cased, punctuation as itself, "^"/"$" at the ends. */
function neighbour(t: Tokens, i: number): string {
  if (i < 0) return "^";
  if (i >= t.n) return "$";
  if (t.type[i] !== WORD) return t.type[i] === 2 ? "`" : tk.wd(t, i);
  const w = tk.wd(t, i);
  return /^\d/.test(w) ? "#" : w;
}

/**
 * Feature names of candidate token i. Kept small and general: the word, its
 * lemma and family, and each of those with the previous and the next word
 * (and the lemma and family with the second word on either side),
 * so "may be" / "can be" / "the predicted X" / "it is thought" are learned as
 * contexts, and a family word never seen in training still gets the family's
 * weights.
 */
export function cueFeatures(t: Tokens, i: number, cue: CueWord): string[] {
  return [...wordFeatures(tk.wd(t, i), cue, capitalised(t, i)), ...contextFeatures(t, i, cue)];
}

const capitalised = (t: Tokens, i: number): boolean => t.text.charCodeAt(t.start[i]!) < 97;

/** Features of the word alone (cached per word at inference). */
function wordFeatures(w: string, cue: CueWord, cap: boolean): string[] {
  return [`w=${w}`, `l=${cue.lemma}`, `f=${cue.family}`, `cap=${cap ? 1 : 0}|f=${cue.family}`];
}

function contextFeatures(t: Tokens, i: number, cue: CueWord): string[] {
  const w = tk.wd(t, i);
  const p = neighbour(t, tk.prevIdx(t, i));
  const p2 = neighbour(t, tk.prevIdx(t, tk.prevIdx(t, i)));
  const ni = tk.nextIdx(t, i);
  const n = neighbour(t, ni);
  const n2 = neighbour(t, tk.nextIdx(t, ni));
  const f = cue.family;
  const l = cue.lemma;
  return [
    `l=${l}|n=${n}`,
    `f=${f}|n=${n}`,
    `p=${p}|l=${l}`,
    `p=${p}|f=${f}`,
    `p2=${p2}|l=${l}`,
    `w=${w}|n=${n}`,
    // The second word after tells "may be involved" from "may be 3", "could explain the" from "could be found".
    `l=${l}|n2=${n2}`,
    `f=${f}|n2=${n2}`,
  ];
}

// ---------------------------------------------------------------------------
// Model.

export interface HedgeModelFile {
  about: string;
  /** Words seen as cues in training that are in no family, with their lemma (the word itself). */
  extraWords: string[];
  bias: number;
  threshold: number;
  weights: Record<string, number>;
  trainedOn: { sources: string[]; heldOutDocs: string[]; heldOutSets: string[] };
}

export interface HedgeModel {
  file: HedgeModelFile;
  /** hashToken(form) -> candidate words with that hash */
  byHash: Map<number, { form: string; cue: CueWord }[]>;
  weights: Map<string, number>;
  /** bias + weights of the word-only features, per word form (capitalised forms keyed "^form") */
  wordLogit: Map<string, number>;
}

export function loadHedgeModel(file: HedgeModelFile): HedgeModel {
  const byHash = new Map<number, { form: string; cue: CueWord }[]>();
  const add = (form: string, cue: CueWord) => {
    const h = tk.hashToken(form);
    const list = byHash.get(h) ?? [];
    list.push({ form, cue });
    byHash.set(h, list);
  };
  for (const [form, cue] of FAMILY_FORMS) add(form, cue.listed && file.weights[`l=${cue.lemma}`] !== undefined ? { lemma: cue.lemma, family: cue.family } : cue);
  for (const w of file.extraWords) if (!FAMILY_FORMS.has(w)) add(w, { lemma: w, family: "other" });
  return { file, byHash, weights: new Map(Object.entries(file.weights)), wordLogit: new Map() };
}

/** Candidate word at token i, or undefined. */
export function candidateAt(model: HedgeModel, t: Tokens, i: number): CueWord | undefined {
  if (t.type[i] !== WORD) return undefined;
  const list = model.byHash.get(t.hash[i]!);
  if (!list) return undefined;
  for (const c of list) if (tk.tokenEquals(t, i, c.form)) return c.cue;
  return undefined;
}

export function cueProbability(model: HedgeModel, feats: readonly string[]): number {
  let z = model.file.bias;
  for (const f of feats) z += model.weights.get(f) ?? 0;
  return 1 / (1 + Math.exp(-z));
}

/** Same as cueProbability(model, cueFeatures(...)), with the word-only part of the sum cached. */
function scoreAt(model: HedgeModel, t: Tokens, i: number, cue: CueWord): number {
  const w = tk.wd(t, i);
  const cap = capitalised(t, i);
  const key = cap ? `^${w}` : w;
  let z = model.wordLogit.get(key);
  if (z === undefined) {
    z = model.file.bias;
    for (const f of wordFeatures(w, cue, cap)) z += model.weights.get(f) ?? 0;
    model.wordLogit.set(key, z);
  }
  for (const f of contextFeatures(t, i, cue)) z += model.weights.get(f) ?? 0;
  return 1 / (1 + Math.exp(-z));
}

export interface CueHit {
  /** token indices, inclusive */
  ts: number;
  te: number;
  family: CueFamily;
  p: number;
}

/** Speculation cues in tokenized text, in text order. */
export function detectCues(t: Tokens, model: HedgeModel = HEDGE_MODEL): CueHit[] {
  const out: CueHit[] = [];
  const threshold = model.file.threshold;
  for (let i = 0; i < t.n; i++) {
    const cue = candidateAt(model, t, i);
    if (!cue || notSpeculative(t, i, cue.lemma)) continue;
    let p = scoreAt(model, t, i, cue);
    if (p < threshold) {
      if (!cue.listed) continue;
      p = threshold;
    }
    let ts = i;
    const prev = tk.prevIdx(t, i);
    if (prev >= 0 && t.type[prev] === WORD && NEGATORS.has(tk.wd(t, prev))) ts = prev;
    out.push({ ts, te: i, family: cue.family, p });
  }
  return out;
}

export const HEDGE_MODEL: HedgeModel = loadHedgeModel(hedgeModelFile as HedgeModelFile);
