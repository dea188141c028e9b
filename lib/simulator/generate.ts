/**
 * Text generation for the simulator: thinking traces and answers built from
 * templates and the prompt's own keywords, so traces read like real reasoning
 * (hedges, assumptions, self-corrections, alternatives) and differ per prompt.
 * Templates are module constants; per request the work is a few picks and
 * string fills, proportional to the length asked for.
 */
import type { Rng } from "./random";

export type Topic = "math" | "code" | "planning" | "general";

export interface PromptFacts {
  topic: Topic;
  /**
   * Noun-ish phrases of the prompt (runs of up to two content words), in order
   * of appearance, with "the" unless a proper noun; padded with topic defaults
   * to at least 3.
   */
  keywords: string[];
  /** Capitalised words not at a sentence start (names, places). */
  properNouns: string[];
  numbers: number[];
  /** The prompt with directives removed, for echoing into tool input. */
  text: string;
}

const TOPIC_PATTERNS: [Topic, RegExp][] = [
  ["code", /```|\b(function|class|bug|error|exception|stack ?trace|compile|typescript|javascript|python|rust|golang|java|sql|regex|endpoint|refactor|implement|code|null|undefined|async|unit tests?|api)\b/i],
  ["math", /\d+(\.\d+)?\s*[-+*/^×÷x]\s*\d+|\b(solve|calculate|compute|equation|integral|derivative|probability|percent(age)?|sum|product|prime|sqrt|average|mean|how (many|much))\b/i],
  ["planning", /\b(plan|schedule|roadmap|strategy|timeline|milestones?|launch|migrat\w*|prioriti[sz]e|steps to|organi[sz]e|budget|itinerary|project|rollout)\b/i],
];

const STOPWORDS = new Set(
  ("about above after again against also because been before being below between both could does doing done down during each from further have having here hers herself himself into itself just more most myself once only other ought ours over same shall should some such than that their theirs them themselves then there these they this those through under until very what when where which while whom will with would your yours yourself please tell explain give write want wants need needs make makes made making know like think help using uses used there's what's it's i'm can't don't really thing things something anything best good better way ways work works happen happens happened return returns returned seem seems keep take takes took come goes went find show look tried trying getting going able enough many much well still even ever every since whether across onto without within upon sure empty").split(" "),
);
/** Short words that may continue a phrase ("mobile app", "REST API") but never start one. */
const SHORT_STOPWORDS = new Set("the and for our you why how can any are was its not but all has had may use get who did out one two new old way let".split(" "));
/** Adjective-like endings: kept as a modifier ("durable goods"), dropped at the end of a phrase ("contract enforceable"). */
const ADJECTIVE = /(able|ible|ous|ful|ly)$/;

const TOPIC_DEFAULTS: Record<Topic, string[]> = {
  math: ["the quantity", "the constraint", "the total"],
  code: ["the function", "the input", "the return value"],
  planning: ["the timeline", "the team", "the first milestone"],
  general: ["the question", "the context", "the main point"],
};

const DIRECTIVE_TEXT = /\[\[sim:[^\]]*\]\]/g;
const WORD = /[A-Za-z][A-Za-z0-9_'-]*/g;

/** Characters of a long prompt the answer is made from: its start and its end, where the ask usually is. */
const ANALYZED_HEAD = 32 * 1024;
const ANALYZED_TAIL = 16 * 1024;

export function analyzePrompt(raw: string): PromptFacts {
  // A 16 MB prompt read whole held the gateway's event loop (the simulator serves in its process) for a second.
  const window = raw.length > ANALYZED_HEAD + ANALYZED_TAIL ? `${raw.slice(0, ANALYZED_HEAD)}\n${raw.slice(-ANALYZED_TAIL)}` : raw;
  const text = window.includes("[[sim:") ? window.replace(DIRECTIVE_TEXT, " ").trim() : window;
  const topic = TOPIC_PATTERNS.find(([, re]) => re.test(text))?.[0] ?? "general";
  // Phrases of up to two content words; two-word phrases rank first, being the likelier nouns.
  const pairs: string[] = [];
  const singles: string[] = [];
  const properNouns: string[] = [];
  let run: { word: string; proper: boolean }[] = [];
  const flush = () => {
    while (run.length > 0 && ADJECTIVE.test(run[run.length - 1]!.word.toLowerCase())) run.pop();
    if (run.length > 0) {
      // "the" unless the phrase is a name ("PostgreSQL", "New York").
      const phrase = (run.every((w) => w.proper) ? "" : "the ") + run.map((w) => w.word).join(" ");
      const list = run.length === 2 ? pairs : singles;
      if (!list.includes(phrase)) list.push(phrase);
    }
    run = [];
  };
  let prevEnd = 0;
  for (const m of text.matchAll(WORD)) {
    if (pairs.length + singles.length >= 8) break;
    const word = m[0];
    const gap = text.slice(prevEnd, m.index);
    prevEnd = m.index + word.length;
    // Punctuation between words ends a phrase; a sentence start does not make a name.
    if (/[^\s]/.test(gap)) flush();
    const lower = word.toLowerCase();
    const continuation = run.length > 0 && lower.length === 3 && !SHORT_STOPWORDS.has(lower);
    if (!continuation && (lower.length < 4 || STOPWORDS.has(lower))) {
      flush();
      continue;
    }
    const sentenceStart = m.index === 0 || /[.!?\n]\s*$/.test(gap);
    const name = !sentenceStart && /^[A-Z]/.test(word);
    if (name && !properNouns.includes(word)) properNouns.push(word);
    // Names, and code identifiers ("get_weather"), take no article.
    const proper = name || word.includes("_");
    run.push({ word: proper || /[A-Z].*[A-Z]/.test(word) ? word : lower, proper });
    if (run.length === 2) flush();
  }
  flush();
  const keywords = [...pairs, ...singles].slice(0, 5);
  for (const d of TOPIC_DEFAULTS[topic]) if (keywords.length < 3) keywords.push(d);
  const numbers = [...text.matchAll(/-?\d+(?:\.\d+)?/g)].slice(0, 3).map((m) => Number(m[0]));
  return { topic, keywords, properNouns, numbers, text };
}

/** Placeholder values for the templates. */
interface Fill {
  a: string;
  b: string;
  c: string;
  n1: string;
  n2: string;
  sum: string;
  prod: string;
  ratio: string;
}

function makeFill(facts: PromptFacts, rng: Rng): Fill {
  const [a, b, c] = facts.keywords as [string, string, string];
  const n1 = facts.numbers[0] ?? rng.int(3, 48);
  const n2 = facts.numbers[1] ?? rng.int(2, 12);
  const fmt = (x: number) => String(Math.round(x * 1000) / 1000);
  return { a, b, c, n1: fmt(n1), n2: fmt(n2), sum: fmt(n1 + n2), prod: fmt(n1 * n2), ratio: n2 === 0 ? "undefined" : fmt(n1 / n2) };
}

function fill(template: string, f: Fill): string {
  const out = template.replace(/\{(a|b|c|n1|n2|sum|prod|ratio)\}/g, (_, k: keyof Fill) => f[k]);
  // A keyword may open the sentence ("{a} is the central concept").
  return out.charAt(0).toUpperCase() + out.slice(1);
}

/**
 * Draws from a pool without repeating until every item has been used, so a
 * long trace cycles through its templates instead of echoing one.
 */
class Deck {
  private left: string[] = [];
  constructor(private readonly pool: readonly string[], private readonly rng: Rng) {}

  draw(): string {
    if (this.left.length === 0) this.left = [...this.pool];
    const i = Math.floor(this.rng.next() * this.left.length);
    return this.left.splice(i, 1)[0]!;
  }
}

/** Openers that vary how consecutive steps read ("Next, the ratio ..."). */
const CONNECTIVES = ["", "", "", "Next, ", "Also, ", "OK, ", "Now, ", "And ", "On top of that, ", "Hmm. ", "Right. "];

/** Prefixes a template with a connective; a template opening with a keyword or "I" keeps its first word as is. */
function connect(template: string, rng: Rng): string {
  const c = rng.pick(CONNECTIVES);
  if (!c || template.startsWith("{")) return template;
  if (c.endsWith(". ") || /^I\b/.test(template)) return c + template;
  return c + template.charAt(0).toLowerCase() + template.slice(1);
}

// ---- Thinking templates -------------------------------------------------

const OPENINGS = [
  "The user is asking about {a}, and {b} seems to be part of it.",
  "Okay, so the question is about {a}. It probably touches on {b} as well.",
  "Let me figure out what's actually being asked here: something about {a} in the context of {b}.",
  "First, let me restate the problem to make sure I have it: {a}, with {b} as a constraint.",
  "So this is about {a}. Let me think about what a good answer needs to cover.",
];

const ASSUMPTIONS = [
  "Assuming {a} means what it usually means here, the rest should follow.",
  "Let's assume the user wants a practical answer rather than a theoretical one.",
  "Presumably the user wants {b} handled as well, even though they didn't say so explicitly.",
  "I'm assuming there are no unusual constraints on {c}; the prompt doesn't mention any.",
  "Let's assume the inputs are well-formed for now and come back to edge cases later.",
  "Presumably the user wants something they can act on, not a survey of every option.",
  "Assuming {c} stays fixed, the problem gets a lot simpler.",
];

const HEDGES = [
  "I think the key issue is {a}, but I'm not sure it's the whole story.",
  "This is probably more about {b} than about {a}.",
  "It might be that {c} matters more than it first appears.",
  "I'm not sure whether {b} is fixed or can change.",
  "I think this is right, though the wording leaves some room for interpretation.",
  "That's probably fine, but it might be worth flagging to the user.",
  "I'm not sure the user has considered {c}; it might be relevant.",
];

const CORRECTIONS = [
  "Wait, that doesn't quite work. I glossed over {b}.",
  "Actually, let me reconsider: {a} may not be the right starting point.",
  "Hmm, wait. If {c} changes, the earlier reasoning falls apart.",
  "Let me reconsider the assumption about {b}; it might not hold.",
  "Actually, I had that backwards: {b} depends on {a}, not the other way round.",
  "Wait, I should double-check that step before building on it.",
];

const ALTERNATIVES = [
  "Alternatively, I could approach this from {b} first and work back to {a}.",
  "Alternatively, the simplest reading is that the user just wants {a} explained.",
  "Another option would be to treat {c} separately. Alternatively, fold it into {a}.",
  "Alternatively, there might be a standard approach for {a} that avoids the issue entirely.",
];

const CONCLUSIONS = [
  "So the answer should lead with {a}, then cover {b}.",
  "OK, I'll go with that and mention the caveat about {c}.",
  "That settles it; I'll structure the answer around {a}.",
  "Right, I'm fairly confident now. Let me write it up, starting with {a}.",
];

const STEPS: Record<Topic, string[]> = {
  math: [
    "Let me set up the numbers: {n1} and {n2}.",
    "If I add them, {n1} + {n2} = {sum}.",
    "Multiplying instead: {n1} × {n2} = {prod}.",
    "The ratio {n1}/{n2} comes to about {ratio}.",
    "I need to be careful about what {a} is measured in before combining anything.",
    "Check: does {sum} make sense given {b}? It's in the right range.",
    "Let me redo that more carefully, one term at a time, so nothing gets double counted.",
    "Sanity check by estimation: {prod} should be close to {n1} times a bit more than {n2}, and it is.",
  ],
  code: [
    "The error probably comes from {a} being undefined when {b} runs first.",
    "Let me trace the control flow: input comes in, {a} gets parsed, then {b} is called.",
    "Edge cases: empty input, a null {c}, and two calls running concurrently.",
    "The loop might be off by one when {b} is at its boundary.",
    "A cleaner design would isolate {a} behind a small function with its own tests.",
    "Complexity looks like O(n) for {a}, which is fine unless {b} grows a lot.",
    "I should check how errors from {c} propagate; they might be swallowed silently.",
    "If {a} is shared state, that's a race waiting to happen.",
  ],
  planning: [
    "Break it into phases: discovery, {a}, then rollout and review.",
    "The critical path probably runs through {b}.",
    "Dependencies: {a} has to land before {b} can start.",
    "The main risk is {c}; the plan needs a fallback if it slips.",
    "A reasonable timeline might be two weeks for {a} and another week for {b}, depending on capacity.",
    "Who owns {b}? That needs to be explicit in the plan.",
    "Milestones should be measurable; for {a}, something like a working pilot.",
    "Budget-wise, {c} is probably the biggest line item.",
  ],
  general: [
    "The core of this is {a}.",
    "There are a few angles: {a}, {b}, and how they relate to {c}.",
    "Most people asking this want the practical implications of {a}.",
    "{b} is understood differently depending on context, so I should say which sense I mean.",
    "An example would make {a} concrete.",
    "The distinction between {a} and {b} is the part that usually confuses people.",
    "It's worth separating what is well established about {a} from what is still debated.",
  ],
};

/**
 * A thinking trace of about `targetChars` characters (at least one sentence of
 * each kind): an opening, an assumption, topic steps interleaved with hedges,
 * corrections, alternatives and more assumptions, and a conclusion.
 */
export function thinkingText(facts: PromptFacts, targetChars: number, rng: Rng): string {
  const f = makeFill(facts, rng);
  const decks = {
    steps: new Deck(STEPS[facts.topic], rng),
    hedges: new Deck(HEDGES, rng),
    corrections: new Deck(CORRECTIONS, rng),
    assumptions: new Deck(ASSUMPTIONS, rng),
    alternatives: new Deck(ALTERNATIVES, rng),
  };
  const sentences: string[] = [];
  let length = 0;
  const add = (deck: Deck, connective = false) => {
    const template = deck.draw();
    const s = fill(connective ? connect(template, rng) : template, f);
    sentences.push(s);
    length += s.length + 1;
  };
  add(new Deck(OPENINGS, rng));
  add(decks.assumptions);
  add(decks.steps);
  add(decks.hedges);
  add(decks.corrections);
  add(decks.alternatives);
  const conclusion = fill(rng.pick(CONCLUSIONS), f);
  // The middle: mostly steps, with the occasional hedge, correction, assumption or alternative.
  while (length + conclusion.length < targetChars) {
    const r = rng.next();
    if (r < 0.55) add(decks.steps, true);
    else if (r < 0.7) add(decks.hedges);
    else if (r < 0.82) add(decks.corrections);
    else if (r < 0.95) add(decks.assumptions);
    else add(decks.alternatives);
  }
  sentences.push(conclusion);

  // Paragraphs of 3–5 sentences, as real traces are laid out.
  let out = "";
  let inParagraph = 0;
  let paragraphSize = rng.int(3, 5);
  for (const s of sentences) {
    if (inParagraph === paragraphSize) {
      out += "\n\n";
      inParagraph = 0;
      paragraphSize = rng.int(3, 5);
    } else if (inParagraph > 0) out += " ";
    out += s;
    inParagraph++;
  }
  return out;
}

/** A short progress note, as `between_tools` returns between tool calls (§1.4). */
export function progressUpdate(toolName: string, facts: PromptFacts, rng: Rng): string {
  return fill(rng.pick(["Got the {t} result; now putting together the answer about {a}.", "The {t} call returned. Checking it against {b} before answering."]), makeFill(facts, rng)).replace("{t}", toolName);
}

// ---- Answers ------------------------------------------------------------

export interface AnswerOptions {
  /** Scales the answer's length (effort applies to all output, §1.5). */
  lengthFactor: number;
  lowConfidence: boolean;
}

const ANSWER_BODIES: Record<Topic, { intro: string[]; items: string[]; outro: string[] }> = {
  math: {
    intro: ["Here's the calculation, step by step.", "Let's work through it."],
    items: [
      "Start from the given values: {n1} and {n2}.",
      "Adding them gives {n1} + {n2} = {sum}.",
      "Their product is {n1} × {n2} = {prod}.",
      "The ratio {n1}/{n2} is about {ratio}.",
      "Keep the units of {a} consistent throughout.",
      "Check the result against {b}: it falls in the expected range.",
    ],
    outro: ["**Result:** {sum} (sum), {prod} (product).", "So the answer is {prod}, with {sum} as the intermediate total."],
  },
  code: {
    intro: ["Here's how I'd approach {a}.", "The likely cause is how {a} interacts with {b}."],
    items: [
      "Guard against {a} being undefined before {b} runs.",
      "Move {a} behind a small function so it can be tested on its own.",
      "Handle the empty-input case explicitly instead of relying on defaults.",
      "Make errors from {c} propagate instead of swallowing them.",
      "Add a unit test for the boundary case of {b}.",
      "Avoid shared mutable state around {a}; pass values explicitly.",
    ],
    outro: [
      "```ts\nfunction handle(input: string | undefined): string {\n  if (!input) throw new Error(\"input is required\");\n  return input.trim();\n}\n```",
      "With those changes the behaviour around {a} should be predictable.",
    ],
  },
  planning: {
    intro: ["Here's a plan for {a}.", "A phased approach works well for {a}."],
    items: [
      "**Discovery**: agree on the goal for {a} and how success is measured.",
      "**Preparation**: settle ownership of {b} and the dependencies it has.",
      "**Pilot**: run a small version first to surface problems with {c}.",
      "**Rollout**: expand in stages, with a checkpoint after each.",
      "**Review**: compare the results against the goal and adjust.",
      "**Risk**: keep a fallback ready in case {c} slips.",
    ],
    outro: ["Start with discovery this week; the rest follows from what it finds.", "The critical path runs through {b}, so start there."],
  },
  general: {
    intro: ["In short: it comes down to {a}.", "Good question. The key idea is {a}."],
    items: [
      "{a} is the central concept here.",
      "It relates to {b} in a way that is easy to overlook.",
      "In practice, {c} is what determines the outcome.",
      "A concrete example: consider how {a} plays out when {b} changes.",
      "The common misconception is to treat {a} and {b} as the same thing.",
      "What is well established is the basic role of {a}; the details are still debated.",
    ],
    outro: ["That covers the essentials of {a}.", "If you tell me more about {b}, I can be more specific."],
  },
};

const HEDGING_SENTENCES = [
  "I think the answer is probably related to {a}, but I'm not sure.",
  "It might be {b}, or possibly something else entirely.",
  "I'm not entirely sure, but it could be that {c} plays a role.",
  "Perhaps {a} is the main factor, although it might not be.",
  "This may or may not apply in your case; it probably depends on {b}.",
  "I could be wrong here, and I'm not certain about the details of {a}.",
  "It's possible that {c} matters, but I'm not sure how much.",
];

const LOW_CONFIDENCE = "Confidence: low. I'm not confident in this answer; please verify it, especially the part about {b}.";

export function answerText(facts: PromptFacts, opts: AnswerOptions, rng: Rng): string {
  const f = makeFill(facts, rng);
  const t = ANSWER_BODIES[facts.topic];
  const count = Math.max(2, Math.round(rng.int(3, 5) * opts.lengthFactor));
  const items: string[] = [];
  // Rotate through the pool from a random start: no repeats, varied order.
  const start = rng.int(0, t.items.length - 1);
  for (let i = 0; i < Math.min(count, t.items.length); i++) items.push(fill(t.items[(start + i) % t.items.length]!, f));
  const list = facts.topic === "general" ? items.join(" ") : items.map((s, i) => `${i + 1}. ${s}`).join("\n");
  const parts = [fill(rng.pick(t.intro), f), list, fill(rng.pick(t.outro), f)];
  if (opts.lowConfidence) parts.push(fill(LOW_CONFIDENCE, f));
  return parts.join("\n\n");
}

export function hedgingAnswer(facts: PromptFacts, opts: AnswerOptions, rng: Rng): string {
  const f = makeFill(facts, rng);
  const count = Math.max(4, Math.round(5 * opts.lengthFactor));
  const start = rng.int(0, HEDGING_SENTENCES.length - 1);
  const out: string[] = [];
  for (let i = 0; i < Math.min(count, HEDGING_SENTENCES.length); i++) out.push(fill(HEDGING_SENTENCES[(start + i) % HEDGING_SENTENCES.length]!, f));
  if (opts.lowConfidence) out.push(fill(LOW_CONFIDENCE, f));
  return out.join(" ");
}

export function jsonAnswer(facts: PromptFacts, opts: AnswerOptions, rng: Rng): string {
  const f = makeFill(facts, rng);
  const t = ANSWER_BODIES[facts.topic];
  return JSON.stringify(
    { answer: fill(rng.pick(t.items), f), confidence: opts.lowConfidence ? "low" : "high", topic: facts.topic, keywords: facts.keywords.slice(0, 3) },
    null,
    2,
  );
}

/** Looks like JSON, does not parse: an unterminated string and a dangling comma. */
export function invalidJsonAnswer(facts: PromptFacts, rng: Rng): string {
  const f = makeFill(facts, rng);
  return `{\n  "answer": "${fill(rng.pick(ANSWER_BODIES[facts.topic].items), f).replace(/"/g, "'")}",\n  "items": [1, 2, 3,\n  "note": "unterminated`;
}

export function refusalText(): string {
  return "I can't help with that request.";
}

/** Introduces a tool call in auto mode, as models usually do. */
export function toolPreface(toolName: string, rng: Rng): string {
  return rng.pick([`I'll use ${toolName} to look that up.`, `Let me call ${toolName} for this.`, `I'll check with ${toolName}.`]);
}

/** An answer that builds on a tool result the client sent back. */
export function toolResultAnswer(toolName: string, resultText: string, facts: PromptFacts, opts: AnswerOptions, rng: Rng): string {
  const snippet = resultText.length > 200 ? `${resultText.slice(0, 200)}…` : resultText;
  const f = makeFill(facts, rng);
  const lines = [`Based on the ${toolName} result${snippet ? `: ${snippet}` : ""}`, fill(rng.pick(ANSWER_BODIES[facts.topic].outro), f)];
  if (opts.lowConfidence) lines.push(fill(LOW_CONFIDENCE, f));
  return lines.join("\n\n");
}

// ---- Tool input and structured output ----------------------------------

type Schema = Record<string, unknown>;

const isSchema = (v: unknown): v is Schema => typeof v === "object" && v !== null && !Array.isArray(v);

/** Past this depth a recursive schema ($ref to itself) gets its smallest value: no array item past its minimum. */
const MAX_DEPTH = 6;
/** A client's schema may ask for any count or length: past these the answer is cut, not the thread's memory spent. */
const MAX_ITEMS = 100;
const MAX_STRING = 10_000;

/**
 * A plausible value for a JSON schema: a tool's input (filled from the prompt
 * where a field's name suggests how), or the answer of a request with
 * `output_config.format` (structured outputs), which must be a value the
 * schema accepts. Follows what schema generators write (zod, Pydantic,
 * OpenAI's helpers): enum and const, anyOf/oneOf/allOf, $ref into
 * $defs/definitions, nullable types, bounds on numbers, lengths and item
 * counts, and the common string formats.
 */
export function sampleInput(schema: unknown, facts: PromptFacts, rng: Rng, name = "", root: unknown = schema, depth = 0): unknown {
  // A schema that can only nest without end (a required field that refers to its own object) has no value to give.
  if (depth > 32) return null;
  const s = withHints(isSchema(schema) ? schema : {});
  const again = (sub: unknown, key = name) => sampleInput(sub, facts, rng, key, root, depth + 1);
  if (typeof s.$ref === "string") return again(resolveRef(root, s.$ref));
  if ("const" in s) return s.const;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  for (const key of ["anyOf", "oneOf"] as const) {
    const options = s[key];
    // The first option that is not null: a nullable field gets a value.
    if (Array.isArray(options) && options.length) return again(options.find((o) => !(isSchema(o) && o.type === "null")) ?? options[0]);
  }
  if (Array.isArray(s.allOf) && s.allOf.length) return again(Object.assign({}, ...s.allOf.filter(isSchema).map((o) => (typeof o.$ref === "string" ? resolveRef(root, o.$ref) : o))));
  const types = Array.isArray(s.type) ? (s.type as unknown[]) : [s.type];
  const type = types.find((t) => t !== "null") ?? types[0] ?? (s.properties ? "object" : s.items ? "array" : "string");
  switch (type) {
    case "null":
      return null;
    case "object": {
      const props = (isSchema(s.properties) ? s.properties : {}) as Record<string, unknown>;
      const required = Array.isArray(s.required) ? (s.required as string[]) : Object.keys(props);
      const out: Record<string, unknown> = {};
      // The required fields only: a tool's optional ones (Claude Code's Read takes offset and limit) would change what it does.
      for (const key of required) out[key] = again(props[key], key);
      return out;
    }
    case "integer":
    case "number":
      return sampleNumber(s, type === "integer", facts.numbers[0] ?? 1);
    case "boolean":
      return true;
    case "array": {
      const min = typeof s.minItems === "number" ? s.minItems : 0;
      const max = typeof s.maxItems === "number" ? s.maxItems : Infinity;
      const count = Math.min(MAX_ITEMS, depth < MAX_DEPTH ? Math.min(max, Math.max(1, min)) : min);
      if (Array.isArray(s.prefixItems)) return s.prefixItems.slice(0, MAX_ITEMS).map((item) => again(item));
      return Array.from({ length: count }, () => again(s.items));
    }
    case "string":
    default:
      return sampleFormatted(s, name, facts, rng);
  }
}

/** Constraints a description may state, by their words with case, spaces and punctuation left out. */
const HINTED: Record<string, string> = {
  minitems: "minItems",
  minimumitems: "minItems",
  maxitems: "maxItems",
  maximumitems: "maxItems",
  minlength: "minLength",
  minimumlength: "minLength",
  maxlength: "maxLength",
  maximumlength: "maxLength",
  minimum: "minimum",
  maximum: "maximum",
  exclusiveminimum: "exclusiveMinimum",
  exclusivemaximum: "exclusiveMaximum",
  format: "format",
};

/**
 * The schema with the constraints its description states. The SDKs'
 * structured-output helpers move what the API's schemas do not take (item
 * counts, number bounds, lengths) into the description for the model to
 * follow: the Anthropic SDK's zodOutputFormat writes "{minItems: 2}", the
 * Vercel AI SDK "min items: 2; max items: 4.". The simulator, standing in for
 * the model, follows them too, or the SDK's own check of the answer fails.
 */
function withHints(s: Schema): Schema {
  if (typeof s.description !== "string") return s;
  const extra: Schema = {};
  // The words before a colon are bounded (40 characters), so a long description is read in linear time.
  for (const [, words, raw] of s.description.matchAll(/([A-Za-z][A-Za-z _-]{0,40}?)\s*:\s*("[^"]{0,100}"|-?\d+(?:\.\d+)?|[A-Za-z][\w-]{0,40})/g)) {
    const key = HINTED[words!.toLowerCase().replace(/[^a-z]/g, "")];
    if (!key || key in s) continue;
    extra[key] = raw!.startsWith('"') ? raw!.slice(1, -1) : Number.isFinite(Number(raw)) ? Number(raw) : raw;
  }
  return Object.keys(extra).length ? { ...s, ...extra } : s;
}

/** The prompt's first number if the bounds allow it, else a bound, or the middle of them (bounds may be exclusive). */
function sampleNumber(s: Schema, integer: boolean, wanted: number): number {
  const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
  const [min, max, xmin, xmax] = [num(s.minimum), num(s.maximum), num(s.exclusiveMinimum), num(s.exclusiveMaximum)];
  const fits = (v: number) =>
    (!integer || Number.isInteger(v)) && (min === undefined || v >= min) && (max === undefined || v <= max) && (xmin === undefined || v > xmin) && (xmax === undefined || v < xmax);
  const lo = min ?? xmin;
  const hi = max ?? xmax;
  const candidates = [wanted, min, max, xmin === undefined ? undefined : xmin + 1, xmax === undefined ? undefined : xmax - 1, lo !== undefined && hi !== undefined ? (lo + hi) / 2 : undefined, 0];
  for (const c of candidates) {
    if (c === undefined) continue;
    for (const v of integer ? [Math.round(c), Math.ceil(c), Math.floor(c)] : [c]) if (fits(v)) return v;
  }
  return lo ?? hi ?? 0;
}

/** "#/$defs/Name" (or any JSON pointer into the root schema), or an empty schema when it names nothing. */
function resolveRef(root: unknown, ref: string): unknown {
  if (!ref.startsWith("#")) return {};
  let at: unknown = root;
  for (const part of ref.slice(1).split("/").filter(Boolean)) {
    let key: string;
    try {
      key = decodeURIComponent(part).replace(/~1/g, "/").replace(/~0/g, "~");
    } catch {
      return {}; // "%E0" and the like: a pointer that names nothing
    }
    at = isSchema(at) ? at[key] : undefined;
  }
  return at ?? {};
}

/** A string that fits the schema's format and length bounds. */
function sampleFormatted(s: Schema, name: string, facts: PromptFacts, rng: Rng): string {
  let v: string;
  switch (s.format) {
    case "date-time":
      v = "2026-11-24T09:30:00Z";
      break;
    case "date":
      v = "2026-11-24";
      break;
    case "time":
      v = "09:30:00Z";
      break;
    case "email":
      v = "user@example.com";
      break;
    case "uri":
    case "url":
      v = "https://example.com";
      break;
    case "uuid":
      v = "123e4567-e89b-42d3-a456-426614174000";
      break;
    default:
      v = sampleString(name, facts, rng);
  }
  if (typeof s.maxLength === "number" && v.length > s.maxLength) v = v.slice(0, s.maxLength);
  if (typeof s.minLength === "number" && v.length < s.minLength) v = v.padEnd(Math.min(s.minLength, MAX_STRING), "x");
  return v;
}

function sampleString(name: string, facts: PromptFacts, rng: Rng): string {
  const key = name.toLowerCase();
  const word = facts.keywords[0]!.replace(/^the /, "");
  if (/location|city|place|address|where/.test(key)) return facts.properNouns[0] ?? word;
  if (/query|search|question|text|prompt|q$/.test(key)) return facts.text.slice(0, 120);
  if (/date|day/.test(key)) return "2026-11-24";
  if (/url|link/.test(key)) return "https://example.com";
  // A file tool (Claude Code's Read takes file_path) gets the path the user wrote, so the loop reads a real file.
  if (/path|file/.test(key)) return facts.text.match(/(?:~|\.{0,2})\/[^\s'"`,;:]+[^\s'"`,;:.]/)?.[0] ?? word;
  if (/id$/.test(key)) return `id_${rng.base62(8)}`;
  return word;
}
