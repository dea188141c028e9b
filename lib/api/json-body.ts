/**
 * Parsing a JSON request body defensively, for every API endpoint. Hostile
 * input is stopped with a 400 before anything walks the parsed value:
 *  - nesting deeper than any real request: JSON.parse copes, but every
 *    recursive walk after it (JSON.stringify on the way upstream, a schema
 *    check) would overflow the stack and turn the request into a 500;
 *  - "__proto__" keys: JSON.parse makes them plain own properties, but one
 *    merge downstream (Object.assign, a naive deep merge) would turn them into
 *    prototype pollution.
 */
import { AppError } from "./errors";

/** Deeper than any tool schema or content a client sends; shallow enough for every recursive walk. */
export const MAX_JSON_DEPTH = 64;

const bad = (message: string) => new AppError("invalid_request_error", message);

/**
 * Whether JSON text nests deeper than `limit`, counted in one pass outside
 * strings; stops as soon as it does. Strings are jumped over with indexOf
 * rather than read a character at a time: a request is mostly the text of its
 * messages, and for a 16 MB prompt the character loop held the event loop for
 * tens of milliseconds.
 */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      i = closingQuote(text, i);
      if (i < 0) return false; // unterminated: JSON.parse says so
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
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
function hasProtoKey(value: unknown): boolean {
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

/** Any JSON value, or a 400 saying what is wrong with the text. */
export function parseJsonText(text: string): unknown {
  if (!text.trim()) throw bad("request body is empty; expected JSON");
  if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) throw bad(`request body is nested more than ${MAX_JSON_DEPTH} levels deep`);
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

/** A parsed body that is a JSON object (not an array, string or null), or a 400. */
export function asJsonObject(value: unknown): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw bad("request body must be a JSON object");
  return value as Record<string, unknown>;
}

/** A JSON object (not an array, string or null), or a 400. */
export function parseJsonObject(text: string): Record<string, unknown> {
  return asJsonObject(parseJsonText(text));
}
