import type { ModelInfo } from "@anthropic-ai/sdk/resources/models";
import { describe, expect, it } from "vitest";
import { builtinCapabilities, createCapabilityResolver, mergeUpstream } from "./capabilities";
import { modelInfo, toModelInfo } from "./catalog";

function upstreamSonnet45(): ModelInfo {
  const info = structuredClone(toModelInfo(modelInfo("claude-sonnet-4-5")!));
  // Pretend upstream now allows adaptive thinking and a bigger output.
  info.capabilities!.thinking.types.adaptive = { supported: true };
  info.max_tokens = 100_000;
  return info;
}

/** A controllable fetch: records calls and resolves when told. */
function deferredFetch() {
  const calls: string[] = [];
  const pending: { resolve: (v: ModelInfo | null) => void; reject: (e: unknown) => void }[] = [];
  const fetchModel = (id: string) => {
    calls.push(id);
    return new Promise<ModelInfo | null>((resolve, reject) => pending.push({ resolve, reject }));
  };
  return { calls, pending, fetchModel };
}

describe("capability resolver", () => {
  it("merges the upstream answer over the built-in entry", async () => {
    const r = createCapabilityResolver({ fetchModel: async () => upstreamSonnet45(), ttlMs: 60_000 });
    const caps = await r.get("claude-sonnet-4-5");
    expect(caps.source).toBe("upstream");
    expect(caps.capabilities!.thinking.types.adaptive.supported).toBe(true);
    expect(caps.maxOutputTokens).toBe(100_000);
    // Facts the API does not report come from the table.
    expect(caps.thinkingWhenOmitted).toBe("off");
    expect(caps.displayDefault).toBe("summarized");
  });

  it("keeps built-in keys that upstream leaves out", () => {
    const info = upstreamSonnet45();
    (info.capabilities!.thinking.types as unknown as Record<string, unknown>).between_tools = null;
    expect(mergeUpstream("claude-sonnet-4-5", info).capabilities!.thinking.types.between_tools).toEqual({ supported: false });
  });

  it("falls back to the table when the fetch fails or upstream does not know the model", async () => {
    const failing = createCapabilityResolver({ fetchModel: async () => { throw new Error("ECONNREFUSED"); }, ttlMs: 60_000 });
    expect((await failing.get("claude-opus-4-7")).source).toBe("catalog");
    const unknownUpstream = createCapabilityResolver({ fetchModel: async () => null, ttlMs: 60_000 });
    expect((await unknownUpstream.get("claude-opus-4-7")).source).toBe("catalog");
    const syncThrow = createCapabilityResolver({ fetchModel: () => { throw new Error("boom"); }, ttlMs: 60_000 });
    expect((await syncThrow.get("claude-opus-4-7")).source).toBe("catalog");
  });

  it("answers a model nobody knows with the conservative default", async () => {
    const r = createCapabilityResolver({ fetchModel: async () => null, ttlMs: 60_000 });
    const caps = await r.get("claude-future-9");
    expect(caps.source).toBe("unknown");
    expect(caps.capabilities).toBeNull();
    expect(builtinCapabilities("claude-future-9").capabilities).toBeNull();
  });

  it("never has more than one fetch in flight per id", async () => {
    const f = deferredFetch();
    const r = createCapabilityResolver({ fetchModel: f.fetchModel, ttlMs: 60_000 });
    const a = r.get("claude-sonnet-4-5");
    const b = r.get("claude-sonnet-4-5");
    r.peek("claude-sonnet-4-5");
    r.get("claude-opus-4-7");
    expect(f.calls).toEqual(["claude-sonnet-4-5", "claude-opus-4-7"]);
    f.pending[0]!.resolve(upstreamSonnet45());
    expect(await a).toBe(await b);
  });

  it("peek never waits: built-in at first, the cached upstream answer once it arrived", async () => {
    const f = deferredFetch();
    const r = createCapabilityResolver({ fetchModel: f.fetchModel, ttlMs: 60_000 });
    const first = r.peek("claude-sonnet-4-5");
    expect(first.source).toBe("catalog");
    expect(f.calls).toHaveLength(1); // peek started a background refresh
    f.pending[0]!.resolve(upstreamSonnet45());
    await r.get("claude-sonnet-4-5");
    expect(r.peek("claude-sonnet-4-5").source).toBe("upstream");
    expect(f.calls).toHaveLength(1);
  });

  it("refetches after the TTL and keeps the last upstream answer when the refetch fails", async () => {
    let now = 0;
    let fail = false;
    let calls = 0;
    const r = createCapabilityResolver({
      fetchModel: async () => {
        calls++;
        if (fail) throw new Error("down");
        return upstreamSonnet45();
      },
      ttlMs: 1_000,
      now: () => now,
    });
    await r.get("claude-sonnet-4-5");
    now = 500;
    await r.get("claude-sonnet-4-5");
    expect(calls).toBe(1);
    now = 1_500;
    fail = true;
    const stale = await r.get("claude-sonnet-4-5");
    expect(calls).toBe(2);
    expect(stale.source).toBe("upstream");
  });
});
