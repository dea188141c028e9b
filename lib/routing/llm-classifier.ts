/**
 * The optional LLM stage of the router: for prompts the local classifier finds
 * ambiguous (within the classifier's ambiguous margin of the threshold), a small fast model is asked, in strict JSON, whether the request
 * needs reasoning. Answers are cached by prompt hash; a slow or broken answer
 * falls back to the local score, so this stage can only add a little latency,
 * never an error. Its tokens and cost go into the request's record.
 */
import crypto from "node:crypto";
import { LRUCache } from "lru-cache";
import { z } from "zod";
import type { AnthropicUsage } from "../pricing/usage";

export const llmClassifierConfigSchema = z
  .object({
    enabled: z.boolean().default(false),
    /** A Haiku-class model: fast and cheap. */
    model: z.string().min(1).default("claude-haiku-4-5"),
    timeoutMs: z.number().int().min(50).max(10_000).default(1_500),
    /** Prompt characters sent to the classifier; the rest is cut. */
    maxPromptChars: z.number().int().min(200).max(100_000).default(6_000),
  })
  .strict();

export type LlmClassifierConfig = z.infer<typeof llmClassifierConfigSchema>;

export const CLASSIFIER_SYSTEM = [
  "You are a router. Decide whether answering the user's request well needs step-by-step reasoning",
  "(multi-step math, debugging, architecture, planning with constraints, security analysis) or not",
  "(summarizing, extracting, classifying, translating, answering from given context, chit-chat).",
  'Reply with JSON only, exactly: {"reasoning": true|false, "confidence": <number 0..1>}',
].join(" ");

const verdictSchema = z.object({ reasoning: z.boolean(), confidence: z.number().min(0).max(1) });

export interface LlmVerdict {
  reasoning: boolean;
  confidence: number;
  /** P(reasoning-worthy) implied by the verdict. */
  score: number;
  cached: boolean;
  usage: AnthropicUsage | null;
  model: string;
}

/**
 * A failure says whether the call was sent (`called`: the upstream may have
 * billed it, and the request's record lists it as a hop) and, for one that
 * failed without an answer, how (`failure`: status null for a timeout or a
 * connection error).
 */
export type LlmOutcome =
  | { ok: true; verdict: LlmVerdict }
  | { ok: false; reason: string; usage: AnthropicUsage | null; called: boolean; failure?: { status: number | null; errorType: string } };

/**
 * Sends one classification request; returns the model's text and usage.
 * `context` is whatever the caller of classify() passed along for the call
 * (the gateway: the request's trace, so the call gets a span of its own).
 */
export type CallModel<C = undefined> = (req: { model: string; system: string; prompt: string; signal: AbortSignal; context?: C }) => Promise<{ text: string; usage: AnthropicUsage | null }>;

export function parseVerdict(text: string): z.infer<typeof verdictSchema> | null {
  const start = text.indexOf("{");
  const end = text.lastIndexOf("}");
  if (start < 0 || end <= start) return null;
  try {
    const parsed = verdictSchema.safeParse(JSON.parse(text.slice(start, end + 1)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function createLlmClassifier<C = undefined>(call: CallModel<C>, cacheSize = 10_000) {
  const cache = new LRUCache<string, z.infer<typeof verdictSchema>>({ max: cacheSize });

  /**
   * `unpaid`: why the model may not be called for this request (its cost
   * could not be counted against the request's budget); the stage then falls
   * back to the local score with that reason, unless the verdict is cached,
   * which costs nothing.
   */
  return async function classify(prompt: string, config: LlmClassifierConfig, context?: C, unpaid?: string): Promise<LlmOutcome> {
    const text = prompt.slice(0, config.maxPromptChars);
    const key = crypto.createHash("sha256").update(config.model).update("\0").update(text).digest("base64url");
    const hit = cache.get(key);
    const toVerdict = (v: z.infer<typeof verdictSchema>, cached: boolean, usage: AnthropicUsage | null): LlmVerdict => ({
      ...v,
      score: v.reasoning ? 0.5 + v.confidence / 2 : 0.5 - v.confidence / 2,
      cached,
      usage,
      model: config.model,
    });
    if (hit) return { ok: true, verdict: toVerdict(hit, true, null) };
    if (unpaid) return { ok: false, reason: unpaid, usage: null, called: false };

    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), config.timeoutMs);
    try {
      const { text: answer, usage } = await call({ model: config.model, system: CLASSIFIER_SYSTEM, prompt: text, signal: controller.signal, context });
      const verdict = parseVerdict(answer);
      if (!verdict) return { ok: false, reason: "the classifier model did not answer in the expected JSON", usage, called: true };
      cache.set(key, verdict);
      return { ok: true, verdict: toVerdict(verdict, false, usage) };
    } catch (err) {
      const timedOut = controller.signal.aborted;
      const reason = timedOut ? `the classifier model did not answer within ${config.timeoutMs} ms` : `the classifier model failed: ${(err as Error).message}`;
      const status = typeof (err as { status?: unknown }).status === "number" ? (err as { status: number }).status : null;
      return { ok: false, reason, usage: null, called: true, failure: { status: timedOut ? null : status, errorType: timedOut ? "timeout_error" : "api_error" } };
    } finally {
      clearTimeout(timer);
    }
  };
}
