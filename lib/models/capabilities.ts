/**
 * What a model accepts, resolved at runtime: the upstream `GET /v1/models/{id}`
 * answer (authoritative, reference §0.6) merged over the built-in table, which
 * is the fallback when upstream cannot be reached or does not know the model.
 */
import type { ModelCapabilities, ModelInfo } from "@anthropic-ai/sdk/resources/models";
import { modelInfo, type CatalogEntry, type Effort, type ThinkingRules } from "./catalog";

export interface ResolvedCapabilities {
  /** The id asked for. */
  id: string;
  /**
   * Where the facts come from: "upstream" (the API's answer over the built-in
   * entry), "catalog" (the built-in table alone), or "unknown" (nothing known:
   * thinking translation passes the client's own configuration through).
   */
  source: "upstream" | "catalog" | "unknown";
  /** The SDK shape; null when nothing is known. */
  capabilities: ModelCapabilities | null;
  maxOutputTokens: number | null;
  contextWindow: number | null;
  /** null when only upstream knows the model: the API does not report it. */
  thinkingWhenOmitted: "on" | "off" | null;
  displayDefault: "summarized" | "omitted";
  defaultEffort: Effort | null;
  rules: ThinkingRules;
}

const NO_RULES: ThinkingRules = { rejectsForcedToolChoiceWithThinking: false };

function fromEntry(id: string, e: CatalogEntry): ResolvedCapabilities {
  return {
    id,
    source: "catalog",
    capabilities: e.capabilities,
    maxOutputTokens: e.maxOutputTokens,
    contextWindow: e.contextWindow,
    thinkingWhenOmitted: e.thinkingWhenOmitted,
    displayDefault: e.displayDefault,
    defaultEffort: e.defaultEffort,
    rules: e.rules,
  };
}

/** The built-in answer for an id: its catalog entry, or the conservative default. */
export function builtinCapabilities(id: string): ResolvedCapabilities {
  const e = modelInfo(id);
  if (e) return fromEntry(id, e);
  return {
    id,
    source: "unknown",
    capabilities: null,
    maxOutputTokens: null,
    contextWindow: null,
    thinkingWhenOmitted: null,
    // Assume the newer default so a route that needs the trace sends "summarized".
    displayDefault: "omitted",
    defaultEffort: null,
    rules: NO_RULES,
  };
}

/** Upstream values win wherever they are present; keys upstream lacks keep the built-in value. */
function mergeDeep(base: unknown, over: unknown): unknown {
  if (over === null || over === undefined) return base;
  if (typeof over !== "object" || Array.isArray(over) || typeof base !== "object" || base === null) return over;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over as Record<string, unknown>)) out[k] = mergeDeep(out[k], v);
  return out;
}

/** Merges an upstream `ModelInfo` over the built-in entry for the same id. */
export function mergeUpstream(id: string, info: ModelInfo): ResolvedCapabilities {
  const base = builtinCapabilities(id);
  const capabilities = (mergeDeep(base.capabilities, info.capabilities) as ModelCapabilities | null) ?? null;
  return {
    ...base,
    source: "upstream",
    capabilities,
    maxOutputTokens: info.max_tokens ?? base.maxOutputTokens,
    contextWindow: info.max_input_tokens ?? base.contextWindow,
    // "Most Claude models default to high" (§1.5) for a model the table lacks.
    defaultEffort: base.defaultEffort ?? (capabilities?.effort.supported ? "high" : null),
  };
}

export interface CapabilityResolver {
  /** Fresh facts: waits for upstream when the cache is empty or stale. */
  get(id: string): Promise<ResolvedCapabilities>;
  /** Never waits: the cached facts (even stale) or the built-in ones; starts a refresh when needed. */
  peek(id: string): ResolvedCapabilities;
}

export interface CapabilityResolverOptions {
  /** `GET /v1/models/{id}`: null when upstream does not know the model; throws when unreachable. */
  fetchModel: (id: string) => Promise<ModelInfo | null>;
  ttlMs: number;
  /** How long a failed fetch keeps its fallback before upstream is asked again. Default min(ttlMs, 60 s). */
  failureTtlMs?: number;
  /** Bounds memory: model ids come from clients. Default 1,000. */
  maxEntries?: number;
  now?: () => number;
}

export function createCapabilityResolver(opts: CapabilityResolverOptions): CapabilityResolver {
  const now = opts.now ?? Date.now;
  const failureTtl = opts.failureTtlMs ?? Math.min(opts.ttlMs, 60_000);
  const maxEntries = opts.maxEntries ?? 1_000;
  const cache = new Map<string, { value: ResolvedCapabilities; expires: number }>();
  const inflight = new Map<string, Promise<ResolvedCapabilities>>();

  function store(id: string, value: ResolvedCapabilities, ttl: number): ResolvedCapabilities {
    cache.delete(id); // re-insert so Map order is oldest-written first
    cache.set(id, { value, expires: now() + ttl });
    if (cache.size > maxEntries) cache.delete(cache.keys().next().value as string);
    return value;
  }

  function refresh(id: string): Promise<ResolvedCapabilities> {
    const running = inflight.get(id);
    if (running) return running;
    let fetched: Promise<ModelInfo | null>;
    try {
      fetched = opts.fetchModel(id);
    } catch (err) {
      // A fetchModel that throws synchronously is treated like a failed fetch.
      fetched = Promise.reject(err);
    }
    const p = fetched
      .then(
        (info) => store(id, info ? mergeUpstream(id, info) : builtinCapabilities(id), opts.ttlMs),
        // Upstream unreachable: keep what it last said if anything, else the table.
        () => store(id, cache.get(id)?.value ?? builtinCapabilities(id), failureTtl),
      )
      .finally(() => inflight.delete(id));
    inflight.set(id, p);
    return p;
  }

  return {
    get(id) {
      const hit = cache.get(id);
      if (hit && hit.expires > now()) return Promise.resolve(hit.value);
      return refresh(id);
    },
    peek(id) {
      const hit = cache.get(id);
      if (!hit || hit.expires <= now()) void refresh(id);
      return hit?.value ?? builtinCapabilities(id);
    },
  };
}
