/**
 * The process logger. pino writes JSON asynchronously so logging never blocks
 * the request path; LOG_LEVEL sets the level (default info, "silent" in tests).
 */
import pino from "pino";

export const logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "silent" : "info"),
  base: undefined,
  // Never log secrets, wherever they appear in a logged object.
  redact: { paths: ["*.apiKey", "*.authorization", "*['x-api-key']", "headers.authorization", "headers['x-api-key']"], censor: "[redacted]" },
});
