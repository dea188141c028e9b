import { describe, expect, it } from "vitest";
import { parseTracesSettings, SETTING_REDACTION, SETTING_SAMPLING } from "./config";

const env = (vars: Record<string, string> = {}) => vars as NodeJS.ProcessEnv;

describe("parseTracesSettings", () => {
  it("uses the defaults when nothing is stored: redaction on, 10% sampling", () => {
    const s = parseTracesSettings(new Map(), env());
    expect(s.sampling).toEqual({ rate: 0.1, perRoute: {}, hedgeDensityThreshold: 20 });
    expect(s.redaction.enabled).toBe(true);
    expect(s.redaction.patterns).toEqual([]);
  });

  it("takes the deployment's default rate from THINKGATE_TRACE_SAMPLE_RATE, and a stored rate over it", () => {
    expect(parseTracesSettings(new Map(), env({ THINKGATE_TRACE_SAMPLE_RATE: "1" })).sampling.rate).toBe(1);
    expect(parseTracesSettings(new Map(), env({ THINKGATE_TRACE_SAMPLE_RATE: "0" })).sampling.rate).toBe(0);
    expect(parseTracesSettings(new Map(), env({ THINKGATE_TRACE_SAMPLE_RATE: "lots" })).sampling.rate).toBe(0.1);
    const stored = new Map<string, unknown>([[SETTING_SAMPLING, { rate: 0, perRoute: { a: 1 } }]]);
    expect(parseTracesSettings(stored, env({ THINKGATE_TRACE_SAMPLE_RATE: "1" })).sampling).toEqual({ rate: 0, perRoute: { a: 1 }, hedgeDensityThreshold: 20 });
  });

  it("falls back to the defaults for a stored value that no longer validates (redaction stays on)", () => {
    const stored = new Map<string, unknown>([
      [SETTING_SAMPLING, { rate: 7 }],
      [SETTING_REDACTION, { enabled: false, patterns: [{ match: "a*b" }] }],
    ]);
    const s = parseTracesSettings(stored, env());
    expect(s.sampling.rate).toBe(0.1);
    expect(s.redaction.enabled).toBe(true);
  });
});
