/**
 * A request field that must be a JSON array, checked for that and for its
 * length only: its items are checked one by one elsewhere, with other
 * requests served in between (lib/gateway/body.ts checkEach, the OpenAI
 * parsers' slices).
 *
 * `z.array(z.unknown())` would walk every item and build a copy of the list:
 * for the 100,000 messages or content blocks a request may carry, that is one
 * piece of 10–20 ms on the serving thread (more on a slow machine), before the
 * items are checked in turns anyway.
 */
import { z } from "zod";

type Message = string | ((input: unknown) => string);

interface ListBounds {
  /** Used when the value is not an array; zod's own wording otherwise. */
  error?: Message;
  min?: { length: number; message?: string };
  max?: { length: number; message?: string };
}

const kind = (v: unknown) => (v === null ? "null" : typeof v);

export function listOnly({ error, min, max }: ListBounds = {}): z.ZodType<unknown[]> {
  // Not an array fails as a type does: a union (a string or a list) then reports its own error.
  const list = z.custom<unknown[]>((v) => Array.isArray(v), {
    error: (iss) => (typeof error === "function" ? error(iss.input) : (error ?? `Invalid input: expected array, received ${kind(iss.input)}`)),
  });
  if (!min && !max) return list;
  return list.superRefine((v, ctx) => {
    if (min && v.length < min.length) {
      ctx.addIssue({ code: "too_small", origin: "array", minimum: min.length, inclusive: true, input: v, message: min.message ?? `Too small: expected array to have >=${min.length} items` });
    } else if (max && v.length > max.length) {
      ctx.addIssue({ code: "too_big", origin: "array", maximum: max.length, inclusive: true, input: v, message: max.message ?? `Too big: expected array to have <=${max.length} items` });
    }
  });
}
