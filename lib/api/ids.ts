import crypto from "node:crypto";

/**
 * Request ids sort by creation time (fixed-width base-36 milliseconds, then
 * randomness), so "newest first" and cursor pagination are an index scan on id.
 */
export function newRequestId(now = Date.now()): string {
  return `req_${now.toString(36).padStart(9, "0")}${randomHex8()}`;
}

// Random bytes drawn from the OS 4 KiB at a time: one randomBytes(8) per
// request showed in the gateway's profile (a call into the OS each time).
const pool = Buffer.alloc(4096);
let offset = pool.length;

function randomHex8(): string {
  if (offset + 8 > pool.length) {
    crypto.randomFillSync(pool);
    offset = 0;
  }
  offset += 8;
  return pool.toString("hex", offset - 8, offset);
}

/** The id a handler names its request by: the one it arrived with (ApiRequest.id), or a new one. */
export function requestIdFor(req: { id?: string }): string {
  return req.id ?? newRequestId();
}
