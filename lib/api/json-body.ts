/**
 * Parsing a JSON request body defensively, for every API endpoint. Hostile
 * input is stopped with a 400 before anything walks the parsed value:
 *  - nesting deeper than any real request: JSON.parse copes, but every
 *    recursive walk after it (JSON.stringify on the way upstream, a schema
 *    check) would overflow the stack and turn the request into a 500;
 *  - more values than any real request: 32 MB of "{}," is 10 million empty
 *    objects, gigabytes once parsed, and the process died of it;
 *  - objects with more members than any real request's (MAX_OBJECT_MEMBERS);
 *  - "__proto__" keys: JSON.parse makes them plain own properties, but one
 *    merge downstream (Object.assign, a naive deep merge) would turn them into
 *    prototype pollution.
 */
import { decodeUtf8 } from "./body-limit";
import { AppError } from "./errors";
import { turnBudget } from "../runtime/turns";

/** Deeper than any tool schema or content a client sends; shallow enough for every recursive walk. */
export const MAX_JSON_DEPTH = 64;

/**
 * More values (array elements and object members) than a real request has:
 * the API takes at most 100,000 messages of a few blocks each. A million
 * small values parse to about 100 MB.
 */
export const MAX_JSON_VALUES = 1_000_000;

/**
 * More members in one object than a real request has (a Messages body has
 * a few dozen fields, a tool schema a few hundred properties). An object of
 * a million members costs a third of a second to so much as list its keys,
 * and every schema check copies them: 900,000 junk fields in a body held the
 * event loop for a second.
 */
export const MAX_OBJECT_MEMBERS = 10_000;

const bad = (message: string) => new AppError("invalid_request_error", message);

let scratch = { isObject: new Uint8Array(MAX_JSON_DEPTH + 2), members: new Float64Array(MAX_JSON_DEPTH + 2) };

/**
 * What makes JSON text too costly to parse: nesting deeper than `maxDepth`,
 * more than `maxValues` values (counted by their separating commas), or an
 * object with more than `maxMembers` members, in one pass outside strings
 * that stops at the first; null when none. Strings are jumped over with
 * indexOf rather than read a character at a time: a request is mostly the
 * text of its messages, and for a 16 MB prompt the character loop held the
 * event loop for tens of milliseconds.
 */
export function jsonTooComplex(text: string, maxDepth: number, maxValues: number, maxMembers = Infinity): "depth" | "values" | "members" | null {
  let depth = 0;
  let values = 1;
  // Per open container: whether it is an object, and its members so far (commas + 1). Reused: the pass is synchronous.
  if (scratch.isObject.length < maxDepth + 2) scratch = { isObject: new Uint8Array(maxDepth + 2), members: new Float64Array(maxDepth + 2) };
  const { isObject, members } = scratch;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      i = closingQuote(text, i);
      if (i < 0) return null; // unterminated: JSON.parse says so
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return "depth";
      isObject[depth] = c === 0x7b ? 1 : 0;
      members[depth] = 1;
    } else if (c === 0x7d || c === 0x5d) depth = Math.max(0, depth - 1);
    else if (c === 0x2c) {
      if (++values > maxValues) return "values";
      if (isObject[depth] && ++members[depth]! > maxMembers) return "members";
    }
  }
  return null;
}

/** Whether JSON text nests deeper than `limit`. */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  return jsonTooComplex(text, limit, Infinity) === "depth";
}

/** The index of the quote that closes the string opened at `open`, or -1: a quote after an odd run of backslashes is escaped. */
function closingQuote(text: string, open: number): number {
  for (let q = text.indexOf('"', open + 1); q >= 0; q = text.indexOf('"', q + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(q - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return q;
  }
  return -1;
}

/** True when some object in `value` has an own "__proto__" key (walked with a stack, not recursion). */
export function hasProtoKey(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v !== "object" || v === null) continue;
    if (Array.isArray(v)) {
      for (const x of v) stack.push(x);
      continue;
    }
    if (Object.prototype.hasOwnProperty.call(v, "__proto__")) return true;
    for (const x of Object.values(v)) stack.push(x);
  }
  return false;
}

/** What no database column takes: a lone surrogate ("\ud800" with no pair: not Unicode text) or a NUL (PostgreSQL's text refuses it). */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Where a value holds text no database column stores ("routes.0.name"), and what that text is. */
export interface UnstorableText {
  at: string;
  /** A NUL character, else a lone surrogate. */
  nul: boolean;
}

/** The sentence a 400 says of it. */
export function unstorableMessage(u: UnstorableText): string {
  return u.nul
    ? `${u.at}: a NUL character (\\u0000) cannot be stored`
    : `${u.at}: a lone surrogate (an unpaired \\ud800-\\udfff escape) is not text`;
}

/** Whether a string holds text no database column stores (a key a request names, looked up as missing instead). */
export const storableText = (s: string): boolean => !UNSTORABLE.test(s);

/**
 * Where a parsed value holds text no database column stores, or null. JSON
 * allows both as escapes; a write of one failed with a 500 (a lone surrogate
 * everywhere, a NUL on PostgreSQL), so what a person names and stores is
 * checked for them.
 */
export function unstorableTextAt(value: unknown): UnstorableText | null {
  const walk = unstorableWalk(value);
  for (;;) {
    const step = walk.next();
    if (step.done) return step.value;
  }
}

/**
 * The same, yielding to other requests every few milliseconds: a management
 * call's body may hold up to MAX_JSON_VALUES values, and a viewer's 3 MB
 * list of "{}" held the event loop for 1.5 s in one walk.
 */
export async function unstorableTextAtInTurns(value: unknown): Promise<UnstorableText | null> {
  const walk = unstorableWalk(value);
  const turn = turnBudget();
  for (;;) {
    const step = walk.next();
    if (step.done) return step.value;
    await turn();
  }
}

interface WalkNode {
  v: object;
  key: string | number;
  up: WalkNode | null;
}

/** A container being walked: its keys (null for an array: its indexes) and the next one to look at. */
interface WalkFrame {
  node: WalkNode;
  keys: string[] | null;
  next: number;
}

const frameOf = (node: WalkNode): WalkFrame => ({ node, keys: Array.isArray(node.v) ? null : Object.keys(node.v), next: 0 });

/** "routes.0.name": the keys from the root down to `node`, then `last`. Built only for the value found, not for every value walked. */
function pathOf(node: WalkNode, last: string | number): string {
  const keys: (string | number)[] = [last];
  for (let n: WalkNode | null = node; n.up; n = n.up) keys.push(n.key);
  return keys.reverse().join(".");
}

/** `s`'s unstorable text, found at `at`, or null. */
function unstorable(s: string, at: () => string): UnstorableText | null {
  const m = UNSTORABLE.exec(s);
  return m ? { at: at(), nul: m[0] === "\u0000" } : null;
}

/**
 * Walks every string and key, depth first with a stack of containers (no
 * recursion), one member at a time: a list of a million items is not turned
 * into a million entries at once. Pauses every 1,024 members so a caller can
 * yield; returns where the first unstorable text is.
 */
function* unstorableWalk(value: unknown): Generator<void, UnstorableText | null> {
  if (typeof value === "string") return unstorable(value, () => "(the value)");
  if (typeof value !== "object" || value === null) return null;
  const frames: WalkFrame[] = [frameOf({ v: value, key: "", up: null })];
  let steps = 0;
  while (frames.length) {
    if ((++steps & 1023) === 0) yield;
    const frame = frames[frames.length - 1]!;
    const container = frame.node.v as Record<string | number, unknown>;
    const size = frame.keys ? frame.keys.length : (frame.node.v as unknown[]).length;
    if (frame.next >= size) {
      frames.pop();
      continue;
    }
    const i = frame.next++;
    const key = frame.keys ? frame.keys[i]! : i;
    const inKey = typeof key === "string" ? unstorable(key, () => pathOf(frame.node, key)) : null;
    if (inKey) return inKey;
    const x = container[key];
    if (typeof x === "string") {
      const inValue = unstorable(x, () => pathOf(frame.node, key));
      if (inValue) return inValue;
    } else if (typeof x === "object" && x !== null) frames.push(frameOf({ v: x, key, up: frame.node }));
  }
  return null;
}

/** Any JSON value, or a 400 saying what is wrong with the text. */
export function parseJsonText(text: string): unknown {
  if (!text.trim()) throw bad("request body is empty; expected JSON");
  const tooComplex = jsonTooComplex(text, MAX_JSON_DEPTH, MAX_JSON_VALUES, MAX_OBJECT_MEMBERS);
  if (tooComplex === "depth") throw bad(`request body is nested more than ${MAX_JSON_DEPTH} levels deep`);
  if (tooComplex === "values") throw bad(`request body has more than ${MAX_JSON_VALUES.toLocaleString("en-US")} JSON values`);
  if (tooComplex === "members") throw bad(`an object in the request body has more than ${MAX_OBJECT_MEMBERS.toLocaleString("en-US")} members`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw bad(`request body is not valid JSON: ${(err as Error).message}`);
  }
  // Only a text that spells the word can carry the key: the walk is skipped for all others.
  if (text.includes("__proto__") && hasProtoKey(value)) throw bad('"__proto__" is not allowed as a key');
  return value;
}

/** Any JSON value from a body's bytes: a 400 for bytes that are not UTF-8, as for text that is not JSON. */
export function parseJsonBytes(bytes: Uint8Array): unknown {
  return parseJsonText(decodeUtf8(bytes));
}

/** A parsed body that is a JSON object (not an array, string or null), or a 400. */
export function asJsonObject(value: unknown): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw bad("request body must be a JSON object");
  return value as Record<string, unknown>;
}

/** A JSON object (not an array, string or null), or a 400. */
export function parseJsonObject(text: string): Record<string, unknown> {
  return asJsonObject(parseJsonText(text));
}
