/**
 * Which requests get a trace under each OTEL_TRACES_SAMPLER, decided when the
 * request arrives (the spans are built later from the ids drawn then).
 */
import { describe, expect, it } from "vitest";
import { samplerFromEnv, traceRequest } from "./tracing";

const SAMPLED_PARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
const UNSAMPLED_PARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00";

const share = (env: Record<string, string>, headers: Record<string, string> = {}, n = 4_000) => {
  const sampler = samplerFromEnv(env);
  let kept = 0;
  for (let i = 0; i < n; i++) if (traceRequest(headers, sampler)) kept++;
  return kept / n;
};

describe("trace sampling (OTEL_TRACES_SAMPLER)", () => {
  it("by default keeps new traces and follows the client's decision when it sent one", () => {
    expect(share({}, {}, 50)).toBe(1);
    expect(share({}, { traceparent: SAMPLED_PARENT }, 50)).toBe(1);
    expect(share({}, { traceparent: UNSAMPLED_PARENT }, 50)).toBe(0);
  });

  it("continues the client's trace with a span of its own", () => {
    const t = traceRequest({ traceparent: SAMPLED_PARENT, tracestate: "vendor=1" }, samplerFromEnv({}))!;
    expect(t.traceId).toBe("0af7651916cd43dd8448eb211c80319c");
    expect(t.parent?.spanId).toBe("b7ad6b7169203331");
    expect(t.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(t.spanId).not.toBe("b7ad6b7169203331");
  });

  it("traceidratio keeps about the given share of new traces", () => {
    const kept = share({ OTEL_TRACES_SAMPLER: "traceidratio", OTEL_TRACES_SAMPLER_ARG: "0.25" });
    expect(kept).toBeGreaterThan(0.2);
    expect(kept).toBeLessThan(0.3);
  });

  it("parentbased_traceidratio samples new traces by ratio but keeps a sampled client's trace", () => {
    const env = { OTEL_TRACES_SAMPLER: "parentbased_traceidratio", OTEL_TRACES_SAMPLER_ARG: "0.1" };
    expect(share(env)).toBeLessThan(0.15);
    expect(share(env, { traceparent: SAMPLED_PARENT }, 50)).toBe(1);
  });

  it("always_off keeps nothing, always_on keeps even a client's unsampled trace", () => {
    expect(share({ OTEL_TRACES_SAMPLER: "always_off" }, { traceparent: SAMPLED_PARENT }, 50)).toBe(0);
    expect(share({ OTEL_TRACES_SAMPLER: "always_on" }, { traceparent: UNSAMPLED_PARENT }, 50)).toBe(1);
    expect(share({ OTEL_TRACES_SAMPLER: "parentbased_always_off" }, {}, 50)).toBe(0);
  });

  it("refuses an unknown sampler name", () => {
    expect(() => samplerFromEnv({ OTEL_TRACES_SAMPLER: "sometimes" })).toThrow(/unknown sampler/);
  });

  it("draws nothing when tracing is off", () => {
    expect(traceRequest({ traceparent: SAMPLED_PARENT }, null)).toBeUndefined();
  });
});
