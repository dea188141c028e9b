/**
 * The request body limit (THINKGATE_MAX_BODY_BYTES), shared by the lean
 * node:http path (node-adapter.ts) and the Next route handlers
 * (next-adapter.ts): a body over the limit is refused with 413
 * request_too_large without being held in memory, and a body that is not
 * valid UTF-8 is refused with 400.
 */
import { AppError, badRequest } from "./errors";

/** The default of THINKGATE_MAX_BODY_BYTES: the API's own limit for Messages bodies (32 MB). */
export const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;

/**
 * The limit as the environment sets it. The lean path reads it once at start
 * (lib/runtime/env.ts validates it there); route handlers under `next dev`
 * read it here, without the server's start-up module.
 */
export function maxBodyBytes(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.THINKGATE_MAX_BODY_BYTES);
  return Number.isInteger(v) && v > 0 ? v : DEFAULT_MAX_BODY_BYTES;
}

export function tooLarge(limit: number): AppError {
  return new AppError("request_too_large", `request body is larger than the limit of ${limit} bytes`);
}

/**
 * A body sent with a Content-Encoding (gzip, br…) is refused with a 415 that
 * says so: it is not decoded here, and read as it is its bytes would be
 * answered as "not valid UTF-8", which sends the client looking in the wrong place.
 */
export function unsupportedEncoding(encoding: string | null | undefined): AppError | null {
  const e = encoding?.trim().toLowerCase();
  if (!e || e === "identity") return null;
  return new AppError("invalid_request_error", `Content-Encoding "${e.slice(0, 40)}" is not supported: send the request body uncompressed`, { status: 415 });
}

/** A body relayed as it arrives (ApiRequest.body), refused with a 413 once it passes `limit`. */
export async function* withinLimit(chunks: AsyncIterable<Uint8Array>, limit: number): AsyncIterable<Uint8Array> {
  let length = 0;
  for await (const chunk of chunks) {
    length += chunk.length;
    if (length > limit) throw tooLarge(limit);
    yield chunk;
  }
}

/** Past this size, the steps of handling a body (join, parse, route) are spread over turns of the event loop. */
export const LARGE_BODY_BYTES = 1024 * 1024;

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw badRequest("request body is not valid UTF-8");
  }
}

/**
 * A request body collected as bytes, decoded once it is whole (here for a
 * small one, on the JSON parser's thread for a large one: large-json.ts).
 *
 * On these machines the first write to 16 MB of fresh memory costs ~40 ms,
 * whatever does it (a copy, a join of decoded chunks, a decode). A large body
 * with a declared length is therefore copied into one buffer a network read
 * at a time, as it arrives, and that buffer goes to the parser's thread as it
 * is. Without a declared length, the chunks are joined at the end (its own
 * piece of work: see `whole`). Decoding chunk by chunk instead left 16 MB of
 * short-lived strings for the garbage collector and a join of them at the end.
 */
export class BodyBytes {
  private chunks: Buffer[] = [];
  private buffer: Buffer | null = null;
  private spilled = false;
  private size = 0;

  /** `declared`: the Content-Length, when the request gave one (already checked against the limit). */
  constructor(private readonly declared: number | null) {}

  get length(): number {
    return this.size;
  }

  push(chunk: Buffer): void {
    if (this.buffer === null && !this.spilled && this.declared !== null && this.declared > LARGE_BODY_BYTES) {
      // Not zero-filled: every byte up to the declared length is written before it is read.
      this.buffer = Buffer.allocUnsafeSlow(this.declared);
      let at = 0;
      for (const c of this.chunks) at += c.copy(this.buffer, at);
      this.chunks = [];
    }
    if (this.buffer !== null && this.size + chunk.length <= this.buffer.length) {
      chunk.copy(this.buffer, this.size);
    } else {
      if (this.buffer !== null) {
        // More bytes than declared (the HTTP parser does not let that happen): go on as chunks.
        this.chunks = [this.buffer.subarray(0, this.size)];
        this.buffer = null;
        this.spilled = true;
      }
      this.chunks.push(chunk);
    }
    this.size += chunk.length;
  }

  /** All the bytes: for a body without a declared length, the join of its chunks. */
  whole(): Buffer {
    if (this.buffer !== null) return this.buffer.subarray(0, this.size);
    return this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.size);
  }
}

/** Reads a web Request's body up to `limit` bytes (a declared Content-Length over it is refused before reading). */
export async function readWebBody(request: Request, limit: number): Promise<string> {
  const encoded = unsupportedEncoding(request.headers.get("content-encoding"));
  if (encoded) throw encoded;
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  if (!request.body) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return decodeUtf8(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
}
