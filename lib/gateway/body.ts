/**
 * Parsing and validating a Messages request body at the gateway. The gateway
 * checks what it needs to route and what the API would reject anyway in a way
 * routing could hide; everything else (block shapes, per-model rules) is left
 * to the upstream, which knows best. Unknown fields pass through.
 */
import { z } from "zod";
import { AppError } from "../api/errors";
import { formatZodError } from "../api/wrap";
import type { MessagesBody } from "../routing/request";

const message = z.looseObject({
  role: z.enum(["user", "assistant", "system"], { error: "role must be user, assistant or system" }),
  content: z.union([z.string(), z.array(z.looseObject({ type: z.string({ error: "each content block needs a type" }) }))], {
    error: "content must be a string or an array of content blocks",
  }),
});

const bodySchema = z.looseObject({
  model: z.string({ error: "model: Field required" }).min(1, "model: Field required"),
  max_tokens: z.number({ error: "max_tokens: Field required" }).int("max_tokens must be an integer").min(0).max(1_000_000),
  messages: z.array(message, { error: "messages: Field required" }).min(1, "messages: at least one message is required").max(100_000),
  system: z.union([z.string(), z.array(z.looseObject({ type: z.string() }))]).optional(),
  tools: z.array(z.looseObject({})).optional(),
  thinking: z.looseObject({ type: z.string() }).optional(),
  output_config: z.looseObject({ effort: z.string().nullish() }).optional(),
  stream: z.boolean().optional(),
});

/** API versions from 2026-10-21 on removed temperature, top_p and top_k. */
const SAMPLING_REMOVED_IN = "2026-10-21";
const SAMPLING = ["temperature", "top_p", "top_k"] as const;

export function parseMessagesBody(text: string, headers: Record<string, string | undefined>): MessagesBody {
  if (!text.trim()) throw new AppError("invalid_request_error", "request body is empty; expected a JSON object");
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new AppError("invalid_request_error", `request body is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new AppError("invalid_request_error", "request body must be a JSON object");
  }
  const parsed = bodySchema.safeParse(raw);
  if (!parsed.success) throw new AppError("invalid_request_error", formatZodError(parsed.error));

  // Same answer as the API for the same request: a client on the newer
  // version that sends a removed field gets the API's own 400.
  const version = headers["anthropic-version"] ?? SAMPLING_REMOVED_IN;
  if (version >= SAMPLING_REMOVED_IN) {
    for (const k of SAMPLING) {
      if (k in (raw as object)) throw new AppError("invalid_request_error", `${k}: Extra inputs are not permitted`);
    }
  }
  return raw as MessagesBody;
}
