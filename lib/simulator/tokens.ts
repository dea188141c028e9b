/**
 * The simulator's token estimator: about 4 characters a token. One function
 * serves count_tokens and usage, so the two always agree for the same prompt.
 */

export const CHARS_PER_TOKEN = 4;
/** Framing tokens per message (role markers), and per request. */
const PER_MESSAGE = 3;
const PER_REQUEST = 4;
/** Images and base64 documents: a flat estimate, whatever their size. */
const MEDIA_TOKENS = 1_600;

export function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

/** One unit of the prompt, in the order the API reads it: tools, then system, then messages. */
export interface PromptSegment {
  tokens: number;
  /** The prompt node (tool or block), serialised only when caching needs a prefix hash. */
  node: unknown;
  /** Set when the node carries a cache breakpoint. */
  cacheTtl?: "5m" | "1h";
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

function ttlOf(node: unknown): "5m" | "1h" | undefined {
  if (!isObj(node) || !isObj(node.cache_control)) return undefined;
  return node.cache_control.ttl === "1h" ? "1h" : "5m";
}

function jsonTokens(v: unknown): number {
  return estimateTokens(JSON.stringify(v) ?? "");
}

/** Tokens of one content block (or a plain string). */
function blockTokens(block: unknown): number {
  if (typeof block === "string") return estimateTokens(block);
  if (!isObj(block)) return 0;
  switch (block.type) {
    case "text":
      return estimateTokens(typeof block.text === "string" ? block.text : "");
    case "thinking":
      return estimateTokens(typeof block.thinking === "string" ? block.thinking : "");
    case "redacted_thinking":
      return estimateTokens(typeof block.data === "string" ? block.data : "");
    case "tool_use":
      return estimateTokens(String(block.name ?? "")) + jsonTokens(block.input ?? {});
    case "tool_result":
      return contentTokens(block.content);
    case "image":
      return MEDIA_TOKENS;
    case "document": {
      const src = block.source;
      return isObj(src) && src.type === "text" && typeof src.data === "string" ? estimateTokens(src.data) : MEDIA_TOKENS;
    }
    default:
      return jsonTokens(block);
  }
}

function contentTokens(content: unknown): number {
  if (typeof content === "string") return estimateTokens(content);
  if (!Array.isArray(content)) return 0;
  let n = 0;
  for (const b of content) n += blockTokens(b);
  return n;
}

/** The prompt as segments, for the cache simulation (which needs breakpoints and order). */
export function promptSegments(body: Obj): PromptSegment[] {
  const out: PromptSegment[] = [];
  if (Array.isArray(body.tools)) for (const t of body.tools) out.push({ tokens: jsonTokens(t), node: t, cacheTtl: ttlOf(t) });
  if (typeof body.system === "string") out.push({ tokens: estimateTokens(body.system), node: body.system });
  else if (Array.isArray(body.system)) for (const b of body.system) out.push({ tokens: blockTokens(b), node: b, cacheTtl: ttlOf(b) });
  if (Array.isArray(body.messages)) {
    for (const m of body.messages) {
      if (!isObj(m)) continue;
      out.push({ tokens: PER_MESSAGE, node: m.role });
      if (typeof m.content === "string") out.push({ tokens: estimateTokens(m.content), node: m.content });
      else if (Array.isArray(m.content)) for (const b of m.content) out.push({ tokens: blockTokens(b), node: b, cacheTtl: ttlOf(b) });
    }
  }
  return out;
}

/** Input tokens of a request: what count_tokens reports and what usage splits into its input buckets. */
export function countRequestTokens(body: Obj): number {
  let n = PER_REQUEST;
  if (Array.isArray(body.tools)) for (const t of body.tools) n += jsonTokens(t);
  n += contentTokens(body.system);
  if (Array.isArray(body.messages)) {
    for (const m of body.messages) if (isObj(m)) n += PER_MESSAGE + contentTokens(m.content);
  }
  return n;
}
