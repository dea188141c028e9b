/**
 * A number a client writes in a query string or a path, in plain decimal.
 *
 * z.coerce.number() reads whatever Number() reads: "" and " " as 0, "0x10" as
 * 16, "1e3" as 1000, " 5 " as 5. So `?limit=` asked for 0 items and
 * `/api/rules/versions/1e3` named version 1000. Here only digits, with an
 * optional fraction, become a number; anything else stays a string and the
 * inner schema refuses it as not a number. A number (a caller that fills a
 * field itself) passes through unchanged.
 */
import { z } from "zod";

const DECIMAL = /^\d+(?:\.\d+)?$/;

/** The largest value an Int column holds (PostgreSQL's integer is 32 bits): looking up or writing a larger one was a 500 there. */
export const MAX_INT_COLUMN = 2 ** 31 - 1;

/** `inner` (a z.number() with its bounds) read from a decimal string. */
export const decimal = <T extends z.ZodType<number, number>>(inner: T) =>
  z.preprocess((v) => (typeof v === "string" && DECIMAL.test(v) ? Number(v) : v), inner);

/** Whether a query value is plain decimal digits (for code that reads it without a schema). */
export const isDecimalInteger = (v: string) => /^\d+$/.test(v);
