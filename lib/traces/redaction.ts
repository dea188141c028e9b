/**
 * Redaction before storage: API keys and tokens, JWTs, secrets assigned in
 * config-like text, e-mail addresses, card numbers and user-defined patterns
 * are replaced by `[redacted:<kind>]` in prompts, answers and thinking before
 * a record is queued (settings key `traces.redaction`).
 *
 * Everything here runs in time linear in the input, whatever the input:
 *
 * - Built-ins are hand-written scanners, not regexes with backtracking. A
 *   trigger (a literal such as `sk-ant-`, `@`, a digit) is found with a
 *   literal-only regex, then a character-class run is consumed once and the
 *   search resumes after it. A regex such as `[\w.]+@[\w.]+\.\w+` is quadratic
 *   on a megabyte of `aaaa…` in V8's backtracking engine; these scanners
 *   visit each character a bounded number of times.
 *
 * - User patterns are literal strings or simple globs, never regexes. V8 has
 *   no linear-time regex engine by default, and "no backreferences, no nested
 *   quantifiers" is not enough: `\S*x\S*y` is quadratic on one long run. A glob
 *   compiles to a deterministic matcher: literals, `#` (one digit), `?` (one
 *   non-space character) and `*` (1–64 word characters, greedy, never given
 *   back). Because `*` never backtracks, a `*` may not be followed by something
 *   that could also be a word character (a letter, digit, `_`, `#`, `?` or
 *   another `*`); such patterns are rejected when the setting is saved. One
 *   match attempt costs at most the pattern's length plus 64 per `*`, and
 *   there is at most one attempt per position.
 *
 * - Input is capped (MAX_REDACT_CHARS): a longer text is cut, and the cut is
 *   marked, rather than stored unredacted. The recorder clips stored text to
 *   THINKGATE_MAX_STORED_CHARS (1,000,000) before redaction anyway.
 */
import { z } from "zod";

export const MAX_REDACT_CHARS = 2_000_000;
/** Longest run a glob `*` matches. */
export const GLOB_STAR_MAX = 64;
const MAX_PATTERN_LENGTH = 200;
const MAX_STARS = 8;
const MAX_PATTERNS = 100;

// ---------------------------------------------------------------------------
// Configuration.

const userPatternSchema = z
  .object({
    /** Shown in the replacement: `[redacted:<label>]`. */
    label: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, "label: 1–32 lower-case letters, digits, _ or -")
      .default("custom"),
    /** The literal text, or a glob (see the file comment). */
    match: z.string().min(2).max(MAX_PATTERN_LENGTH),
    type: z.enum(["literal", "glob"]).default("glob"),
    caseSensitive: z.boolean().default(false),
    /** Only where the match is not part of a longer word ("Ann" leaves "Annual" alone). */
    wholeWord: z.boolean().default(true),
  })
  .superRefine((p, ctx) => {
    if (p.type !== "glob") return;
    const problem = globProblem(p.match);
    if (problem) ctx.addIssue({ code: "custom", path: ["match"], message: problem });
  });

export type UserPattern = z.infer<typeof userPatternSchema>;

const builtinsSchema = z.object({
  /** Anthropic, OpenAI, AWS, GitHub and Slack keys and tokens. */
  apiKeys: z.boolean().default(true),
  /** `Bearer <token>` (Authorization headers pasted into prompts). */
  bearer: z.boolean().default(true),
  jwt: z.boolean().default(true),
  /** Values assigned to secret-looking names: `password=…`, `"api_key": "…"`, `client_secret: …`. */
  secrets: z.boolean().default(true),
  emails: z.boolean().default(true),
  /** 13–19 digits, optionally grouped by spaces or dashes, Luhn-valid, issuer digit 2–6. */
  cards: z.boolean().default(true),
});

export const redactionConfigSchema = z.object({
  enabled: z.boolean().default(true),
  builtins: builtinsSchema.prefault({}),
  patterns: z.array(userPatternSchema).max(MAX_PATTERNS).default([]),
});

export type RedactionConfig = z.infer<typeof redactionConfigSchema>;
export type RedactionConfigInput = z.input<typeof redactionConfigSchema>;

export const DEFAULT_REDACTION: RedactionConfig = redactionConfigSchema.parse({});

export interface RedactionResult {
  text: string;
  /** How many values were replaced. */
  count: number;
}

export type Redactor = (text: string) => RedactionResult;

// ---------------------------------------------------------------------------
// Character classes (ASCII lookup tables).

function charClass(spec: string): Uint8Array {
  const t = new Uint8Array(128);
  for (let i = 0; i < spec.length; i++) {
    if (spec[i + 1] === "-" && i + 2 < spec.length) {
      for (let c = spec.charCodeAt(i); c <= spec.charCodeAt(i + 2); c++) t[c] = 1;
      i += 2;
    } else t[spec.charCodeAt(i)] = 1;
  }
  return t;
}

const ALNUM = charClass("A-Za-z0-9");
const UPPER_ALNUM = charClass("A-Z0-9");
const WORD = charClass("A-Za-z0-9_");
const KEY = charClass("A-Za-z0-9_-");
const JWT_CHARS = charClass("A-Za-z0-9_.-");
const SLACK = charClass("A-Za-z0-9-");
const SLACK_HOOK = charClass("A-Za-z0-9/_-");
const TOKEN68 = charClass("A-Za-z0-9._~+/=-");
const EMAIL_LOCAL = charClass("A-Za-z0-9._%+-");
const DOMAIN = charClass("A-Za-z0-9.-");
const NAME = charClass("A-Za-z0-9_.-");
const DIGIT = charClass("0-9");
const LETTER = charClass("A-Za-z");

const inClass = (cls: Uint8Array, c: number): boolean => c < 128 && cls[c] === 1;

/** End of the run of `cls` characters starting at i. */
function runEnd(text: string, i: number, cls: Uint8Array): number {
  const n = text.length;
  while (i < n && inClass(cls, text.charCodeAt(i))) i++;
  return i;
}

function hasDigit(text: string, s: number, e: number): boolean {
  for (let i = s; i < e; i++) if (inClass(DIGIT, text.charCodeAt(i))) return true;
  return false;
}

function hasLetter(text: string, s: number, e: number): boolean {
  for (let i = s; i < e; i++) if (inClass(LETTER, text.charCodeAt(i))) return true;
  return false;
}

// ---------------------------------------------------------------------------
// Matches are collected as parallel arrays, then overlaps are resolved.

interface Hits {
  start: number[];
  end: number[];
  label: string[];
  /** Order of the detector, for ties. */
  rank: number[];
}

type Detector = (text: string, hits: Hits, rank: number) => void;

function push(hits: Hits, s: number, e: number, label: string, rank: number): void {
  hits.start.push(s);
  hits.end.push(e);
  hits.label.push(label);
  hits.rank.push(rank);
}

/**
 * A token that starts with a fixed prefix: `trigger` finds the prefix (a
 * literal-only regex: no backtracking), the body is one run of `body`
 * characters, and the search resumes after the run whether it matched or not,
 * so every character is read once per detector.
 */
function prefixed(opts: {
  label: string;
  trigger: RegExp;
  /** The character before the prefix must not be one of these (so "disk-…" is not "sk-…"). */
  notAfter: Uint8Array;
  body: Uint8Array;
  min: number;
  max?: number;
  /** The body needs a digit: random keys have them, hyphenated prose does not. */
  digit?: boolean;
}): Detector {
  const re = new RegExp(opts.trigger.source, opts.trigger.flags.includes("g") ? opts.trigger.flags : opts.trigger.flags + "g");
  return (text, hits, rank) => {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const s = m.index;
      if (s > 0 && inClass(opts.notAfter, text.charCodeAt(s - 1))) {
        re.lastIndex = s + 1;
        continue;
      }
      const b = s + m[0].length;
      const e = runEnd(text, b, opts.body);
      const len = e - b;
      if (len >= opts.min && (opts.max === undefined || len <= opts.max) && (!opts.digit || hasDigit(text, b, e))) push(hits, s, e, opts.label, rank);
      re.lastIndex = Math.max(e, s + 1);
    }
  };
}

/**
 * Prefixes are matched whatever their case: a model that repeats a key at the
 * start of a sentence may capitalise it ("Tg_…", "Sk-ant-…"), and the copy
 * is as secret as the key. (AWS prefixes are upper case already.)
 */
const apiKeyDetectors: Detector[] = [
  prefixed({ label: "anthropic_key", trigger: /sk-ant-/i, notAfter: KEY, body: KEY, min: 20 }),
  prefixed({ label: "openai_key", trigger: /sk-/i, notAfter: KEY, body: KEY, min: 20, digit: true }),
  prefixed({ label: "aws_key", trigger: /(?:AKIA|ASIA|ABIA|ACCA)/, notAfter: UPPER_ALNUM, body: UPPER_ALNUM, min: 16, max: 16 }),
  prefixed({ label: "github_token", trigger: /gh[pousr]_/i, notAfter: KEY, body: ALNUM, min: 30 }),
  prefixed({ label: "github_token", trigger: /github_pat_/i, notAfter: KEY, body: WORD, min: 30 }),
  prefixed({ label: "slack_token", trigger: /xox[abposre]-/i, notAfter: KEY, body: SLACK, min: 10, digit: true }),
  prefixed({ label: "slack_token", trigger: /xapp-/i, notAfter: KEY, body: SLACK, min: 10, digit: true }),
  prefixed({ label: "slack_webhook", trigger: /hooks\.slack\.com\/services\//, notAfter: new Uint8Array(128), body: SLACK_HOOK, min: 20 }),
];

/**
 * thinkgate's own keys (`tg_` and 32 characters; `lib/gateway/keys.ts`) are
 * masked whatever the redaction settings say: a key pasted into a prompt
 * would otherwise be shown to every viewer of its trace, with the key's role.
 */
const ownKeyDetector = prefixed({ label: "thinkgate_key", trigger: /tg_/i, notAfter: KEY, body: KEY, min: 24 });

/** A PEM private key block, BEGIN to END (or, without an END nearby, the base64 lines after BEGIN). */
const PEM_BODY = charClass("A-Za-z0-9+/=\r\n");
const pemDetector: Detector = (text, hits, rank) => {
  const re = /-----BEGIN [A-Z ]{0,40}PRIVATE KEY-----/g;
  // The next "-----END" at or after a position; searched forward only, so all searches together read the text once.
  let nextEnd = -2;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const s = m.index;
    const after = s + m[0].length;
    if (nextEnd !== -1 && nextEnd < after) nextEnd = text.indexOf("-----END", after);
    let e = -1;
    if (nextEnd >= 0 && nextEnd - after < 16_384) {
      const close = /^-----END [A-Z ]{0,40}PRIVATE KEY-----/.exec(text.slice(nextEnd, nextEnd + 64));
      if (close) e = nextEnd + close[0].length;
    }
    if (e < 0) e = runEnd(text, after, PEM_BODY);
    push(hits, s, e, "private_key", rank);
    re.lastIndex = Math.max(e, s + 1);
  }
};

/** header.payload.signature, each base64url; header and payload are JSON objects, so both start "eyJ". */
const jwtDetector: Detector = (text, hits, rank) => {
  const re = /eyJ/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const s = m.index;
    if (s > 0 && inClass(JWT_CHARS, text.charCodeAt(s - 1))) {
      re.lastIndex = s + 1;
      continue;
    }
    let e = runEnd(text, s, JWT_CHARS);
    const runEndAt = e;
    while (e > s && text.charCodeAt(e - 1) === 46 /* . */) e--; // a sentence's full stop
    const first = text.indexOf(".", s);
    const second = first >= 0 && first < e ? text.indexOf(".", first + 1) : -1;
    const third = second >= 0 && second < e ? text.indexOf(".", second + 1) : -1;
    if (first - s >= 10 && second - first > 10 && text.startsWith("eyJ", first + 1) && (third < 0 || third >= e)) push(hits, s, e, "jwt", rank);
    re.lastIndex = Math.max(runEndAt, s + 1);
  }
};

/** `Bearer <token>`: only the token is masked. */
const bearerDetector: Detector = (text, hits, rank) => {
  const re = /bearer[ \t]+/gi;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const s = m.index;
    const b = s + m[0].length;
    if (s > 0 && inClass(ALNUM, text.charCodeAt(s - 1))) {
      re.lastIndex = b;
      continue;
    }
    const e = runEnd(text, b, TOKEN68);
    if (e - b >= 16) push(hits, b, e, "bearer_token", rank);
    re.lastIndex = Math.max(e, s + 1);
  }
};

/**
 * A value assigned to a secret-looking name: `password=…`, `"api_key": "…"`,
 * `aws_secret_access_key = …`, `DB_PASSWORD: …`. Only the value is masked, and
 * only when it looks like a secret (8+ characters with a letter and a digit,
 * or a symbol), so `max_tokens: 16000` and `token = getToken()` stay.
 */
const secretsDetector: Detector = (text, hits, rank) => {
  const re = /(?:secret|passw(?:or)?d|pwd|api[_-]?key|apikey|access[_-]?key|private[_-]?key|token|credentials?)/gi;
  const n = text.length;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const s = m.index;
    // The rest of the name: "aws_secret_access_key", "api_key_prod".
    let i = runEnd(text, s + m[0].length, NAME);
    const nameEnd = i;
    if (i < n && (text[i] === '"' || text[i] === "'")) i++;
    let spaces = 0;
    while (i < n && (text[i] === " " || text[i] === "\t") && spaces < 8) i++, spaces++;
    if (i < n && (text[i] === ":" || text[i] === "=")) {
      i++;
      if (text[i] === "=" || text[i] === ">") i++; // == or =>
      spaces = 0;
      while (i < n && (text[i] === " " || text[i] === "\t") && spaces < 8) i++, spaces++;
      if (i < n && (text[i] === '"' || text[i] === "'" || text[i] === "`")) i++;
      const b = i;
      while (i < n && !isValueEnd(text.charCodeAt(i))) i++;
      const e = i;
      if (e - b >= 8 && e - b <= 1024 && looksSecret(text, b, e)) push(hits, b, e, "secret", rank);
      re.lastIndex = Math.max(e, nameEnd, s + 1);
    } else re.lastIndex = Math.max(nameEnd, s + 1);
  }
};

function isValueEnd(c: number): boolean {
  // whitespace, quotes, separators and closing brackets end a value
  return c <= 32 || c === 34 || c === 39 || c === 96 || c === 44 || c === 59 || c === 41 || c === 93 || c === 125 || c === 60 || c === 62 || c === 40;
}

function looksSecret(text: string, s: number, e: number): boolean {
  const v = text.slice(s, e);
  if (/^(?:true|false|null|none|undefined|\$\{?\w+\}?|process\.env\.\w+|os\.environ.*|<[^>]*>|\*+|x+|\.\.\.)$/i.test(v)) return false;
  if (hasDigit(text, s, e) && hasLetter(text, s, e)) return true;
  return /[!@#$%^&*+/=~]/.test(v) && hasLetter(text, s, e);
}

/** E-mail addresses: found by their `@`, then extended both ways over bounded runs. */
const emailDetector: Detector = (text, hits, rank) => {
  let from = 0;
  // `floor` keeps a left scan from re-reading what an earlier scan read: linear overall.
  let floor = 0;
  for (let at = text.indexOf("@", from); at >= 0; at = text.indexOf("@", from)) {
    let s = at;
    const lo = Math.max(floor, at - 64);
    while (s > lo && inClass(EMAIL_LOCAL, text.charCodeAt(s - 1))) s--;
    while (s < at && text.charCodeAt(s) === 46) s++; // no leading dot
    let e = runEnd(text, at + 1, DOMAIN);
    const scanned = e;
    while (e > at + 1 && (text.charCodeAt(e - 1) === 46 || text.charCodeAt(e - 1) === 45)) e--; // trailing "." or "-"
    if (s < at && validDomain(text, at + 1, e)) push(hits, s, e, "email", rank);
    floor = Math.max(at + 1, scanned);
    from = Math.max(at + 1, scanned);
  }
};

function validDomain(text: string, s: number, e: number): boolean {
  if (e - s < 4 || e - s > 255) return false;
  const domain = text.slice(s, e);
  const labels = domain.split(".");
  if (labels.length < 2 || labels.some((l) => l.length === 0 || l.length > 63)) return false;
  return /^[A-Za-z]{2,24}$/.test(labels[labels.length - 1]!);
}

/**
 * Card numbers: 13–19 digits, either one run or groups of 3–6 digits joined
 * by one kind of separator (space or dash), Luhn-valid, issuer digit 2–6.
 * Within a longer grouped run ("4111 1111 1111 1111 2025"), the first window
 * of whole groups that qualifies is masked. Each run is read once.
 */
const cardDetector: Detector = (text, hits, rank) => {
  const re = /[0-9]/g;
  const n = text.length;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const s = m.index;
    if (s > 0 && (inClass(WORD, text.charCodeAt(s - 1)) || text[s - 1] === "." || text[s - 1] === "-")) {
      re.lastIndex = runEnd(text, s, DIGIT);
      continue;
    }
    // Read the run: digit groups joined by one separator kind.
    const groups: [number, number][] = [];
    let sep = "";
    let i = s;
    for (;;) {
      const g = runEnd(text, i, DIGIT);
      groups.push([i, g]);
      i = g;
      const c = text[i];
      if ((c === " " || c === "-") && (sep === "" || sep === c) && i + 1 < n && inClass(DIGIT, text.charCodeAt(i + 1))) {
        sep = c;
        i++;
        continue;
      }
      break;
    }
    const runEndAt = i;
    const trailingWord = runEndAt < n && inClass(WORD, text.charCodeAt(runEndAt));
    if (!trailingWord) {
      const hit = groups.length === 1 ? cardIn(text, [groups[0]!]) : firstCardWindow(text, groups);
      if (hit) push(hits, hit[0], hit[1], "card", rank);
    }
    re.lastIndex = runEndAt;
  }
};

function firstCardWindow(text: string, groups: [number, number][]): [number, number] | null {
  for (let a = 0; a < groups.length; a++) {
    let digits = 0;
    for (let b = a; b < groups.length; b++) {
      const len = groups[b]![1] - groups[b]![0];
      if (len < 3 || len > 6) break;
      digits += len;
      if (digits > 19) break;
      if (digits >= 13) {
        const hit = cardIn(text, groups.slice(a, b + 1));
        if (hit) return hit;
      }
    }
  }
  return null;
}

function cardIn(text: string, groups: [number, number][]): [number, number] | null {
  let count = 0;
  for (const [s, e] of groups) count += e - s;
  if (count < 13 || count > 19) return null;
  const first = text.charCodeAt(groups[0]![0]) - 48;
  if (first < 2 || first > 6) return null;
  // Luhn over the groups' digits, right to left, without building a string.
  let sum = 0;
  let double = false;
  for (let g = groups.length - 1; g >= 0; g--) {
    for (let i = groups[g]![1] - 1; i >= groups[g]![0]; i--) {
      let d = text.charCodeAt(i) - 48;
      if (double) {
        d *= 2;
        if (d > 9) d -= 9;
      }
      sum += d;
      double = !double;
    }
  }
  return sum % 10 === 0 ? [groups[0]![0], groups[groups.length - 1]![1]] : null;
}

export function luhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

// ---------------------------------------------------------------------------
// User patterns: literals and globs.

type GlobEl = { t: "lit"; s: string } | { t: "digit" } | { t: "any" } | { t: "star" };

function parseGlob(glob: string): GlobEl[] | string {
  const els: GlobEl[] = [];
  let lit = "";
  const flush = () => {
    if (lit) els.push({ t: "lit", s: lit });
    lit = "";
  };
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "\\") {
      if (i + 1 >= glob.length) return "a trailing \\ escapes nothing";
      lit += glob[++i];
    } else if (c === "*" || c === "#" || c === "?") {
      flush();
      els.push({ t: c === "*" ? "star" : c === "#" ? "digit" : "any" });
    } else lit += c;
  }
  flush();
  return els;
}

/** Why a glob is rejected, or null when it is fine. */
export function globProblem(glob: string): string | null {
  const els = parseGlob(glob);
  if (typeof els === "string") return els;
  if (els.filter((e) => e.t === "star").length > MAX_STARS) return `at most ${MAX_STARS} * per pattern`;
  if (els.every((e) => e.t === "star")) return "a pattern needs more than *";
  for (let i = 0; i < els.length - 1; i++) {
    const el = els[i]!;
    const next = els[i + 1]!;
    if (el.t !== "star") continue;
    // * is greedy and never gives characters back, so what follows must not be a word character.
    if (next.t !== "lit" || inClass(WORD, next.s.charCodeAt(0)) || next.s.charCodeAt(0) >= 128) {
      return `"*" must be followed by a character that cannot be part of a word (such as - . @ / : or a space), or end the pattern; write "*-x", not "*x"`;
    }
  }
  return null;
}

const asciiLower = (c: number): number => (c >= 65 && c <= 90 ? c + 32 : c);

function compileGlob(els: GlobEl[], caseSensitive: boolean) {
  const lits = els.map((e) => (e.t === "lit" ? (caseSensitive ? e.s : e.s.toLowerCase()) : ""));
  /** End of a match of els starting at s, or -1. Deterministic: no choice point, no backtracking. */
  return (text: string, s: number): number => {
    let i = s;
    const n = text.length;
    for (let k = 0; k < els.length; k++) {
      const el = els[k]!;
      if (el.t === "lit") {
        const lit = lits[k]!;
        if (i + lit.length > n) return -1;
        for (let j = 0; j < lit.length; j++) {
          const c = text.charCodeAt(i + j);
          const want = lit.charCodeAt(j);
          if (c !== want && (caseSensitive || (c < 128 ? asciiLower(c) !== want : text[i + j]!.toLowerCase() !== lit[j]))) return -1;
        }
        i += lit.length;
      } else if (el.t === "digit") {
        if (i >= n || !inClass(DIGIT, text.charCodeAt(i))) return -1;
        i++;
      } else if (el.t === "any") {
        if (i >= n || text.charCodeAt(i) <= 32) return -1;
        i++;
      } else {
        const lim = Math.min(n, i + GLOB_STAR_MAX);
        const from = i;
        while (i < lim && inClass(WORD, text.charCodeAt(i))) i++;
        if (i === from) return -1;
      }
    }
    return i;
  };
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

const isWordAt = (text: string, i: number): boolean => i >= 0 && i < text.length && inClass(WORD, text.charCodeAt(i));

function userDetector(p: UserPattern): Detector {
  const els: GlobEl[] = p.type === "literal" ? [{ t: "lit", s: p.match }] : (parseGlob(p.match) as GlobEl[]);
  const match = compileGlob(els, p.caseSensitive);
  const first = els[0]!;
  // Candidate starts: where the first element can match. A literal-only regex
  // (or a one-character class) finds them; it cannot backtrack.
  const label = p.label;
  if (first.t === "star") {
    // A leading * is followed by a non-word character, so within a run of word
    // characters only a start at most 64 before the run's end can match, and
    // every such start reaches the same end: the leftmost is the one to try.
    return (text, hits, rank) => {
      const runs = /\w+/g;
      for (let m = runs.exec(text); m; m = runs.exec(text)) {
        const r0 = m.index;
        const r1 = r0 + m[0].length;
        if (p.wholeWord && r1 - r0 > GLOB_STAR_MAX) continue;
        const s = Math.max(r0, r1 - GLOB_STAR_MAX);
        const e = match(text, s);
        if (e > s && !(p.wholeWord && isWordAt(text, e - 1) && isWordAt(text, e))) {
          push(hits, s, e, label, rank);
          runs.lastIndex = e;
        }
      }
    };
  }
  // Candidate starts: where the first element can match. A literal-only regex
  // (or a one-character class) finds them; it cannot backtrack.
  const trigger = first.t === "lit" ? new RegExp(escapeRegex(first.s), p.caseSensitive ? "g" : "gi") : first.t === "digit" ? /[0-9]/g : /\S/g;
  return (text, hits, rank) => {
    const re = new RegExp(trigger.source, trigger.flags);
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const s = m.index;
      if (p.wholeWord && isWordAt(text, s) && isWordAt(text, s - 1)) {
        re.lastIndex = s + 1;
        continue;
      }
      const e = match(text, s);
      if (e > s && !(p.wholeWord && isWordAt(text, e - 1) && isWordAt(text, e))) {
        push(hits, s, e, label, rank);
        re.lastIndex = e;
      } else re.lastIndex = s + 1;
    }
  };
}

// ---------------------------------------------------------------------------

/**
 * Builds a redactor for a configuration (parse it with redactionConfigSchema
 * first, or pass one built from it). Overlapping matches: the earliest start
 * wins, then the longer match, then the earlier detector (built-ins before
 * user patterns, in the order listed above).
 */
export function createRedactor(config: RedactionConfig, opts: { maxChars?: number } = {}): Redactor {
  const maxChars = opts.maxChars ?? MAX_REDACT_CHARS;
  const detectors: Detector[] = [ownKeyDetector];
  if (config.enabled) {
    const b = config.builtins;
    if (b.apiKeys) detectors.push(...apiKeyDetectors, pemDetector);
    if (b.jwt) detectors.push(jwtDetector);
    if (b.bearer) detectors.push(bearerDetector);
    if (b.secrets) detectors.push(secretsDetector);
    if (b.emails) detectors.push(emailDetector);
    if (b.cards) detectors.push(cardDetector);
    for (const p of config.patterns) detectors.push(userDetector(p));
  }

  return (input) => {
    let text = input;
    let cut = 0;
    if (text.length > maxChars) {
      cut = text.length - maxChars;
      text = text.slice(0, maxChars);
    }
    const hits: Hits = { start: [], end: [], label: [], rank: [] };
    for (let r = 0; r < detectors.length; r++) detectors[r]!(text, hits, r);
    const order = hits.start.map((_, i) => i);
    order.sort((x, y) => hits.start[x]! - hits.start[y]! || hits.end[y]! - hits.end[x]! || hits.rank[x]! - hits.rank[y]!);
    let out = "";
    let pos = 0;
    let count = 0;
    for (const i of order) {
      const s = hits.start[i]!;
      if (s < pos) continue; // overlaps a kept match
      out += text.slice(pos, s) + `[redacted:${hits.label[i]}]`;
      pos = hits.end[i]!;
      count++;
    }
    out += text.slice(pos);
    if (cut > 0) out += `\n[redacted:truncated ${cut} characters]`;
    return { text: out, count };
  };
}
