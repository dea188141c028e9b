import { describe, expect, it } from "vitest";
import { MAX_PHRASE_CHARS, PhraseMatcher, SLICE_CHARS } from "./phrase-matcher";
import { compileRules, firstMatch, ruleSetSchema } from "./rules";
import type { RoutableRequest } from "./types";

/** The definition the matcher must agree with: a whole-word, case-insensitive search per phrase. */
function naive(text: string, phrases: string[]): Set<string> {
  const lower = text.toLowerCase();
  const word = (ch: string | undefined) => ch !== undefined && /[\p{L}\p{N}_]/u.test(ch);
  const out = new Set<string>();
  for (const p of phrases) {
    const q = p.toLowerCase();
    for (let at = lower.indexOf(q); at >= 0; at = lower.indexOf(q, at + 1)) {
      if (!word(lower[at - 1]) && !word(lower[at + q.length])) {
        out.add(q);
        break;
      }
    }
  }
  return out;
}

async function foundPhrases(m: PhraseMatcher, phrases: string[], text: string): Promise<Set<string>> {
  const ids = await m.found({}, text);
  return new Set(phrases.map((p) => p.toLowerCase()).filter((p) => ids.has(m.id(p)!)));
}

describe("PhraseMatcher", () => {
  it("finds whole words and phrases, case-insensitively", async () => {
    const phrases = ["postmortem", "root cause", "c++", "API"];
    const m = new PhraseMatcher(phrases);
    expect(await foundPhrases(m, phrases, "Write the POSTMORTEM and its Root Cause.")).toEqual(new Set(["postmortem", "root cause"]));
    expect(await foundPhrases(m, phrases, "postmortems, rootcause, capital")).toEqual(new Set());
    expect(await foundPhrases(m, phrases, "In C++, the api_key is not the api.")).toEqual(new Set(["c++", "api"]));
  });

  it("agrees with a search per phrase on random text, across slice boundaries", async () => {
    const vocab = ["alpha", "beta", "gamma delta", "ß", "x", "αβ", "delta", "_", "9"];
    const phrases = ["alpha", "gamma delta", "delta", "αβ", "beta gamma", "x", "ß"];
    const m = new PhraseMatcher(phrases);
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let round = 0; round < 12; round++) {
      const words: string[] = [];
      for (let chars = 0; chars < SLICE_CHARS * 2.5; ) chars += words[words.push(vocab[Math.floor(rand() * vocab.length)]!) - 1]!.length + 1;
      const text = words.join(rand() < 0.5 ? " " : "");
      expect(await foundPhrases(m, phrases, text)).toEqual(naive(text, phrases));
    }
  });

  it("finds a phrase at every offset around a slice boundary, and rejects it glued to a word there", async () => {
    const m = new PhraseMatcher(["needle phrase"]);
    for (let shift = -15; shift <= 2; shift++) {
      const pad = " ".repeat(SLICE_CHARS + shift);
      expect((await m.found({}, `${pad}needle phrase ${pad}`)).size, `shift ${shift}`).toBe(1);
      expect((await m.found({}, `${pad}needle phrasex${pad}`)).size, `shift ${shift}`).toBe(0);
      expect((await m.found({}, `${pad.slice(1)}xneedle phrase${pad}`)).size, `shift ${shift}`).toBe(0);
    }
  });

  it("scans a long prompt once per request, letting other work run between slices", async () => {
    const m = new PhraseMatcher(["the end"]);
    // 4 M characters: far more than one turn's time budget of scanning on any machine.
    const text = "lorem ipsum ".repeat(Math.ceil((4 << 20) / 12)) + "the end";
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 0);
    const owner = {};
    const [a, b] = await Promise.all([m.found(owner, text), m.found(owner, text)]);
    clearInterval(ticker);
    expect(a).toBe(b);
    expect(a.has(m.id("the end")!)).toBe(true);
    expect(ticks).toBeGreaterThan(0);
  });
});

describe("rules with phrases, compiled as a set", () => {
  const req = (prompt: string): RoutableRequest =>
    ({ model: "claude-sonnet-4-6", prompt, system: "", hasTools: false, hasThinkingBlocks: false, pendingToolResult: false, conversationKey: "k" }) as RoutableRequest;

  it("picks the first enabled rule whose phrases occur, in order", async () => {
    const rules = compileRules(
      ruleSetSchema.parse([
        { id: "off", name: "off", enabled: false, when: { promptContains: ["incident"] }, then: { routeId: "reasoning" } },
        { id: "long", name: "long", when: { promptContains: ["incident"], minPromptChars: 1000 }, then: { routeId: "reasoning" } },
        { id: "inc", name: "inc", when: { promptContains: ["outage", "Incident"] }, then: { routeId: "reasoning" } },
        { id: "any", name: "any", when: {}, then: { routeId: "standard" } },
      ]),
    );
    expect((await firstMatch(rules, req("Summarise the incident.")))?.rule.id).toBe("inc");
    expect((await firstMatch(rules, req("Summarise the incidents.")))?.rule.id).toBe("any");
  });

  it("refuses a rule set whose phrases add up to more than the automaton is built for", () => {
    const phrases = Array.from({ length: 200 }, (_, i) => `${"p".repeat(190)}${i}`);
    const rules = Array.from({ length: Math.ceil(MAX_PHRASE_CHARS / (200 * 190)) + 1 }, (_, r) => ({ id: `r${r}`, name: `r${r}`, when: { promptContains: phrases }, then: { routeId: "reasoning" } }));
    const parsed = ruleSetSchema.safeParse(rules);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(/promptContains phrases add up to \d+ characters; at most 200000/);
    expect(ruleSetSchema.safeParse(rules.slice(0, 2)).success).toBe(true);
  });
});
