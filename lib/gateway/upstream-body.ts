/**
 * The bytes of a large request body for the upstream, made a piece at a time.
 *
 * The SDK serialises a body with one JSON.stringify, and the socket write
 * encodes that string to UTF-8 in one go: for a 16 MB prompt, with the byte
 * count taken in between, about 200 ms in which no other request was served.
 * Here the same JSON text is produced in pieces of about PIECE_CHARS
 * characters, measured, and written into one buffer, with other requests
 * served between pieces (yieldToIo). The SDK sends a byte body as it is, and
 * the socket takes a buffer without copying it on the main thread.
 *
 * The text is exactly JSON.stringify's (the tests compare the two), so what
 * the upstream receives does not depend on which path a body took. Small
 * bodies keep the SDK's own serialisation: a walk in JavaScript is slower
 * than the native one, and only large bodies need the turns.
 */
import { LARGE_BODY_BYTES } from "../api/body-limit";
import { turnBudget, yieldToIo } from "../runtime/turns";

/** Characters of JSON text per piece: a few milliseconds of work on these machines. */
export const PIECE_CHARS = 1024 * 1024;

/** A string longer than this is serialised in slices rather than in one call. */
const SLICE_CHARS = 256 * 1024;

/** JSON text of a string, in slices that never split a surrogate pair (a lone half would be escaped differently). */
function* stringPieces(s: string): Generator<string> {
  if (s.length <= SLICE_CHARS) {
    yield JSON.stringify(s);
    return;
  }
  yield '"';
  for (let i = 0; i < s.length; ) {
    let end = Math.min(i + SLICE_CHARS, s.length);
    const last = s.charCodeAt(end - 1);
    if (end < s.length && last >= 0xd800 && last <= 0xdbff) end--;
    yield JSON.stringify(s.slice(i, end)).slice(1, -1);
    i = end;
  }
  yield '"';
}

/** What JSON.stringify leaves out of an object, and writes as null in an array. */
const skipped = (v: unknown) => v === undefined || typeof v === "function" || typeof v === "symbol";

/** A value whose JSON is at most about this many characters is serialised natively, in one call. */
const NATIVE_CHARS = 16 * 1024;

/**
 * Whether `v`'s JSON is surely short (about NATIVE_CHARS at most), looking
 * at no more of it than that: a conversation of 100,000 small messages walked
 * a piece per string and bracket took hundreds of milliseconds; each message
 * serialised natively takes microseconds. Escapes can make the text longer
 * than counted here, by a bounded factor, which is all "short" needs.
 */
function short(v: unknown): boolean {
  let left = NATIVE_CHARS;
  const fits = (x: unknown): boolean => {
    if (typeof x === "string") return (left -= x.length + 2) >= 0;
    if (typeof x !== "object" || x === null) return (left -= 24) >= 0;
    left -= 2;
    if (Array.isArray(x)) {
      for (const e of x) if (!fits(e)) return false;
      return left >= 0;
    }
    for (const k of Object.keys(x)) if ((left -= k.length + 4) < 0 || !fits((x as Record<string, unknown>)[k])) return false;
    return left >= 0;
  };
  return fits(v);
}

/** The JSON text of `value` in pieces, by JSON.stringify's rules (toJSON, skipped members, null for what has no JSON). */
function* jsonPieces(value: unknown, key = ""): Generator<string> {
  let v = value;
  if (typeof v === "object" && v !== null && typeof (v as { toJSON?: unknown }).toJSON === "function") v = (v as { toJSON(k: string): unknown }).toJSON(key);
  if (typeof v === "string") {
    yield* stringPieces(v);
    return;
  }
  if (typeof v !== "object" || v === null) {
    yield JSON.stringify(v) ?? "null";
    return;
  }
  // Not for a value that itself has toJSON (one toJSON returned): JSON.stringify would apply it again.
  if (typeof (v as { toJSON?: unknown }).toJSON !== "function" && short(v)) {
    yield JSON.stringify(v);
    return;
  }
  if (Array.isArray(v)) {
    yield "[";
    for (let i = 0; i < v.length; i++) {
      if (i > 0) yield ",";
      if (skipped(v[i])) yield "null";
      else yield* jsonPieces(v[i], String(i));
    }
    yield "]";
    return;
  }
  yield "{";
  let first = true;
  for (const k of Object.keys(v)) {
    const member = (v as Record<string, unknown>)[k];
    if (skipped(member)) continue;
    yield `${first ? "" : ","}${JSON.stringify(k)}:`;
    first = false;
    yield* jsonPieces(member, k);
  }
  yield "}";
}

/**
 * `value` as UTF-8 JSON, byte for byte what `Buffer.from(JSON.stringify(value))`
 * gives, made in pieces with other requests served in between.
 */
export async function encodeJsonInTurns(value: unknown): Promise<Buffer> {
  const pieces: string[] = [];
  let bytes = 0;
  let pending: string[] = [];
  let pendingChars = 0;
  const flush = () => {
    const piece = pending.join("");
    pieces.push(piece);
    bytes += Buffer.byteLength(piece);
    pending = [];
    pendingChars = 0;
  };
  // Turns by time: pieces range from a comma to a megabyte.
  const turn = turnBudget();
  for (const p of jsonPieces(value)) {
    pending.push(p);
    pendingChars += p.length;
    if (pendingChars >= PIECE_CHARS) flush();
    await turn();
  }
  if (pendingChars > 0) flush();
  // Not zero-filled: every byte is written below, and the pages are first touched a piece at a time.
  const out = Buffer.allocUnsafeSlow(bytes);
  let offset = 0;
  for (let i = 0; i < pieces.length; i++) {
    if (i > 0) await yieldToIo();
    offset += out.write(pieces[i]!, offset, "utf8");
    pieces[i] = "";
  }
  return out;
}

/**
 * What to hand the SDK for a request whose body had `size` bytes: the value
 * itself, or past LARGE_BODY_BYTES its bytes made in turns, with the content
 * type the SDK leaves to the caller of a byte body.
 */
export async function upstreamPayload<T extends object>(body: T, size: number, headers: Record<string, string>): Promise<{ body: T | Buffer; headers: Record<string, string> }> {
  if (size <= LARGE_BODY_BYTES) return { body, headers };
  return { body: await encodeJsonInTurns(body), headers: { ...headers, "content-type": "application/json" } };
}
