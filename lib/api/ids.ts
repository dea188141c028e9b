import crypto from "node:crypto";

/**
 * Request ids sort by creation time (fixed-width base-36 milliseconds, then
 * randomness), so "newest first" and cursor pagination are an index scan on id.
 */
export function newRequestId(now = Date.now()): string {
  return `req_${now.toString(36).padStart(9, "0")}${crypto.randomBytes(8).toString("hex")}`;
}
