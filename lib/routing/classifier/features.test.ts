import { describe, expect, it } from "vitest";
import { DIM, N_FEATURES, STRUCT_NAMES, extractFeatures, featureNames, tokenizeForLexicon, WINDOW_HEAD, WINDOW_TAIL } from "./features";

const s = (text: string) => extractFeatures(text).structure;

describe("structural features", () => {
  it("counts fenced code blocks and code-looking lines", () => {
    const text = "Why does this crash?\n```python\ndef f(x):\n    return x[0];\n```\nand this:\n```js\nconst a = {};\n```";
    const st = s(text);
    expect(st.codeFences).toBe(2);
    expect(st.codeLines).toBeGreaterThanOrEqual(3);
    expect(s("Plain prose. Nothing to see here.").codeLines).toBe(0);
  });

  it("counts numbers (1,234.50 is one number) and arithmetic expressions", () => {
    const st = s("She has 3 apples and buys 1,234.50 worth of pears; 4 * 5 = 20.");
    expect(st.numbers).toBe(5);
    expect(st.arithmeticOps).toBe(2);
    expect(s("No digits at all").numbers).toBe(0);
  });

  it("counts list items and constraint words", () => {
    const text = "Constraints:\n- nobody works more than 5 shifts\n- at least 11 hours between shifts\n1. night shifts in blocks\n2) each nurse gets a weekend off\nnot a list item - here";
    const st = s(text);
    expect(st.listItems).toBe(4);
    expect(st.cues.constraint).toBeGreaterThanOrEqual(4); // more than, at least, each, ...
  });

  it("counts answer-option lines (A. / (B) / C)), not sentences or list items", () => {
    expect(s("Which is a noble gas?\nA. Oxygen\nB. Neon\nC. Nitrogen\nD. Carbon\nAnswer:").optionLines).toBe(4);
    expect(s("Options:\n(A) red\n(B) blue\n(C) green").optionLines).toBe(3);
    expect(s("Pick one:\nA) yes\nB) no").optionLines).toBe(2);
    expect(s("A. Lincoln was president.\nAbout him: he was tall.\n- item\n1. first").optionLines).toBe(1);
    const idx = DIM + STRUCT_NAMES.indexOf("choice_options");
    expect(Array.from(extractFeatures("Q?\nA. x\nB. y\nC. z").idx)).toContain(idx);
    expect(Array.from(extractFeatures("Q?\nA. x\nB. y").idx)).not.toContain(idx);
  });

  it("counts question marks", () => {
    expect(s("Why? How? And when?").questions).toBe(3);
    expect(s("Tell me a story.").questions).toBe(0);
  });

  it("detects stack traces", () => {
    expect(s('Traceback (most recent call last):\n  File "a.py", line 1\nKeyError: 1').stackTrace).toBe(true);
    expect(s("java.lang.NullPointerException\n    at com.acme.Foo.bar(Foo.java:42)").stackTrace).toBe(true);
    expect(s("No trace here.").stackTrace).toBe(false);
  });

  it("counts cue classes, in the lead zone separately, across languages", () => {
    const st = s("Prove that the algorithm terminates, and derive its complexity.");
    expect(st.cues.derive).toBeGreaterThanOrEqual(3);
    expect(st.leadCues.derive).toBeGreaterThanOrEqual(1);
    expect(s("Докажи, что сумма углов треугольника равна 180 градусам.").cues.derive).toBeGreaterThanOrEqual(1);
    expect(s("请证明这个结论").cues.derive).toBeGreaterThanOrEqual(1);
    expect(s("Summarize this and translate it").leadCues.standard).toBe(2);
  });

  it("flags an instruction followed by a long pasted context", () => {
    const text = "Summarize this:\n\n" + "The council met on Tuesday and discussed the budget. ".repeat(20);
    expect(s(text).contextBlock).toBe(true);
    expect(s("short").contextBlock).toBe(false);
  });
});

describe("hashed n-grams", () => {
  it("stays inside the fixed feature space and is L2-normalised per family", () => {
    const f = extractFeatures("Why does my binary search loop forever on some inputs?");
    expect(f.idx.length).toBe(f.val.length);
    for (const i of f.idx) expect(i >= 0 && i < N_FEATURES).toBe(true);
    const hashed = [...f.val].filter((_, k) => f.idx[k]! < DIM);
    expect(Math.max(...hashed)).toBeLessThanOrEqual(1);
    expect(f.idx.some((i) => i >= DIM)).toBe(true); // structural slots present
    expect(STRUCT_NAMES.length).toBe(N_FEATURES - DIM);
  });

  it("is deterministic and treats digits as a shape", () => {
    const a = extractFeatures("Pay $2,024 by 2024-05-01?");
    const b = extractFeatures("Pay $2,024 by 2024-05-01?");
    expect([...a.idx]).toEqual([...b.idx]);
    expect([...a.val]).toEqual([...b.val]);
    const c = extractFeatures("Pay $1,999 by 1999-12-31?");
    expect([...c.idx]).toEqual([...a.idx]);
  });

  it("names features for explanations", () => {
    const text = "Prove it, please.";
    const f = extractFeatures(text);
    const names = featureNames(text, f.idx);
    const all = [...names.values()];
    expect(all).toContain("word:prove");
    expect(all).toContain("lead:prove");
    expect(all.some((n) => n.startsWith("chars:"))).toBe(true);
    expect(all.some((n) => n.startsWith("struct:"))).toBe(true);
  });

  it("tokenizes lexicon phrases the way the tokenizer does", () => {
    expect(tokenizeForLexicon("why doesn't")).toEqual(["why", "doesn", "t"]);
    expect(tokenizeForLexicon("证 明")).toEqual(["证", "明"]);
    expect(tokenizeForLexicon("k8s")).toEqual(["k0s"]);
  });

  it("bounds the work on very long prompts (head and tail windows)", () => {
    const middle = "filler words about nothing in particular ".repeat(5_000); // 200k chars
    const text = "Why does this fail?\n" + middle + "\nPlease find the root cause.";
    expect(text.length).toBeGreaterThan(WINDOW_HEAD + WINDOW_TAIL);
    const t0 = performance.now();
    const f = extractFeatures(text);
    const ms = performance.now() - t0;
    expect(f.structure.chars).toBe(text.length);
    expect(f.structure.words).toBeLessThan(4_000); // only the 16k-char window is tokenized
    expect(ms).toBeLessThan(250); // generous: a loaded CI machine; the bench measures the real figure
  });
});
