import { describe, expect, it } from "vitest";
import { thinkingView } from "./detail";

describe("thinkingView", () => {
  it("returns the text and its spans when the thinking was stored", () => {
    const v = thinkingView({ thinkingStatus: "text", thinkingText: "I think the cache is stale. Wait, no, it is fresh.", thinkingTokens: 20 });
    expect(v.status).toBe("text");
    expect(v.placeholder).toBeNull();
    expect(v.signals!.spans.map((s) => s.kind)).toContain("hedge");
    expect(v.signals!.spans.map((s) => s.kind)).toContain("self_correction");
  });

  it.each([
    ["omitted", /Thinking omitted.*1,234 thinking tokens/],
    ["redacted", /Thinking redacted: 1,234 thinking tokens came back encrypted/],
    ["empty", /no text \(1,234 thinking tokens billed\)/],
  ])("never shows %s thinking as an empty success", (status, text) => {
    const v = thinkingView({ thinkingStatus: status, thinkingText: null, thinkingTokens: 1234 });
    expect(v.status).toBe(status);
    expect(v.text).toBeNull();
    expect(v.placeholder).toMatch(text);
  });

  it("calls thinking tokens without a stored status omitted", () => {
    expect(thinkingView({ thinkingStatus: "none", thinkingText: null, thinkingTokens: 50 }).status).toBe("omitted");
    expect(thinkingView({ thinkingStatus: "none", thinkingText: null, thinkingTokens: 0 }).placeholder).toBeNull();
  });

  it("says when sampling kept the text out", () => {
    const v = thinkingView({ thinkingStatus: "text", thinkingText: null, thinkingTokens: 900, thinkingSampledOut: true });
    expect(v.status).toBe("sampled_out");
    expect(v.placeholder).toMatch(/not stored.*sampling/i);
  });

  it("says when the retention sweep cleared the text, and only then", () => {
    const v = thinkingView({ thinkingStatus: "text", thinkingText: null, thinkingTokens: 900, textClearedAt: new Date("2026-12-01T00:00:00Z") });
    expect(v.status).toBe("cleared");
    expect(v.placeholder).toMatch(/cleared.*THINKGATE_TEXT_RETENTION_DAYS/);
    expect(thinkingView({ thinkingStatus: "text", thinkingText: null, thinkingTokens: 900, textClearedAt: null }).status).toBe("empty");
    // A trace that never came back as text stays what it was.
    expect(thinkingView({ thinkingStatus: "omitted", thinkingText: null, thinkingTokens: 900, textClearedAt: new Date() }).status).toBe("omitted");
  });
});
