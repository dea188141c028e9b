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
 * Decodes a body chunk by chunk as it arrives, so a large body is decoded a
 * network read at a time instead of being copied into one buffer and decoded
 * in one go when it ends (for a 16 MB body, tens of milliseconds in which no
 * other request is served).
 */
export class Utf8Body {
  private readonly decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
  private readonly parts: string[] = [];

  push(chunk: Uint8Array): void {
    try {
      this.parts.push(this.decoder.decode(chunk, { stream: true }));
    } catch {
      throw badRequest("request body is not valid UTF-8");
    }
  }

  /** The whole text; a 400 when the body ended inside a character. */
  end(): string {
    try {
      this.parts.push(this.decoder.decode());
    } catch {
      throw badRequest("request body is not valid UTF-8");
    }
    return this.parts.join("");
  }
}

/** Reads a web Request's body up to `limit` bytes (a declared Content-Length over it is refused before reading). */
export async function readWebBody(request: Request, limit: number): Promise<string> {
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
