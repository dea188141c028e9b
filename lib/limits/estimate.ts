/**
 * What a request may cost at most, before it is sent: the amount a budget
 * reserves. It must be an upper bound, so it is deliberately generous:
 *   input  = ⌈body bytes / 2⌉ tokens (real prompts run about 3.5–4 bytes per
 *            token; JSON framing only adds bytes), at the dearest input rate
 *            (cache writes cost more than plain input), long-context rates
 *            once the estimate passes the model's threshold;
 *   output = the max_tokens sent upstream (thinking is billed as output and
 *            fits inside max_tokens), at the output rate.
 * An unpriced model estimates as null: no upper bound is known, so a capped
 * request to it is refused (admission.ts).
 */
import { priceFor } from "../pricing/service";

/** Input tokens never estimate past this: a base64 image costs far fewer tokens than its bytes. */
const MAX_INPUT_ESTIMATE = 2_000_000;

export function estimateInputTokens(bodyBytes: number): number {
  return Math.min(Math.ceil(bodyBytes / 2), MAX_INPUT_ESTIMATE);
}

export function estimateCostUsd(model: string, bodyBytes: number, maxTokens: number, at: Date): number | null {
  const p = priceFor(model, at);
  if (!p) return null;
  const input = estimateInputTokens(bodyBytes);
  const long = p.longContextThreshold !== null && input > p.longContextThreshold;
  const pick = (base: number, longRate: number | null) => (long && longRate !== null ? Math.max(base, longRate) : base);
  const inRate = Math.max(pick(p.input, p.longInput), pick(p.cacheWrite5m, p.longCacheWrite5m), pick(p.cacheWrite1h, p.longCacheWrite1h));
  const outRate = pick(p.output, p.longOutput);
  return (input * inRate + Math.max(0, maxTokens) * outRate) / 1e6;
}
