import { describe, expect, it } from "vitest";
import { labelFromOutcome, subjectOf, trainingLabel, type LabelledRow } from "./dataset";
import { subjectHeldOut } from "./generalisation";
import { balancedWeights } from "./train";

const ROUTELLM = "lm-sys/RouteLLM@0b64fda:routellm/evals/mmlu/responses/mmlu_x.csv";
const LLMROUTER = "ulab-uiuc/LLMRouter@4e7a796:data/dcrouter_preprocessed/train.json";

let n = 0;
const mmlu = (subject: string, strong: boolean, weak: boolean, prompt = `${subject} question ${n}\nA. 1\nB. 2\nC. 3\nD. 4\nAnswer:`): LabelledRow => ({
  id: `mmlu-${n++}`,
  source: ROUTELLM,
  category: `mmlu/${subject}`,
  prompt,
  label: "standard",
  label_confidence: "low",
  meta: { subject, weak_correct: weak, strong_correct: strong },
});
const other = (source: string, label: "reasoning" | "standard", prompt: string): LabelledRow => ({ id: `o-${n++}`, source, category: source, prompt, label, label_confidence: "high" });

describe("subjectOf", () => {
  it("is the subject of RouteLLM's MMLU rows only", () => {
    expect(subjectOf(mmlu("nutrition", true, false))).toBe("nutrition");
    // LLMRouter's MMLU rows carry no subject; other families are not split by subject
    expect(subjectOf({ source: LLMROUTER, category: "mmlu", meta: { task_name: "mmlu" } })).toBeNull();
    expect(subjectOf({ source: "openai/grade-school-math", category: "gsm8k", meta: { subject: "x" } })).toBeNull();
  });
});

describe("subjectHeldOut", () => {
  // Four subjects of 3, 3, 2 and 2 scored rows; two other families to train and calibrate on.
  const scored = [
    ...["a", "a", "a", "b", "b", "b", "c", "c", "d", "d"].map((s, i) => mmlu(s, i % 2 === 0, i % 3 === 0)),
    other("openai/grade-school-math", "reasoning", "not MMLU: never scored"),
  ];
  const trainRows = [
    // the training sample holds one row of every subject, one repeating a scored prompt's text under no subject
    ...["a", "b", "c", "d"].map((s) => mmlu(s, true, false)),
    other("dolly", "standard", scored[7]!.prompt),
    ...Array.from({ length: 6 }, (_, i) => other("openai/grade-school-math", "reasoning", `Tom has ${i + 3} apples and buys ${i * 2 + 5} more. How many?`)),
    ...Array.from({ length: 6 }, (_, i) => other("dolly", "standard", `What is the capital of country number ${i}?`)),
  ];
  const run = subjectHeldOut(trainRows, scored, { k: 2, train: { l2: 1e-4, iterations: 5, learningRate: 0.1 }, folds: 2 });

  it("splits subjects into balanced groups by their scored rows", () => {
    // a (3) -> 0, b (3) -> 1, c (2) -> 0 (3|3: lowest), d (2) -> 1
    expect(Object.fromEntries(run.groups)).toEqual({ a: 0, b: 1, c: 0, d: 1 });
    expect(run.folds.map((f) => f.subjects)).toEqual([
      ["a", "c"],
      ["b", "d"],
    ]);
  });

  it("trains each group's model without its subjects' rows or their prompts' text", () => {
    // 17 training rows; group 0 drops a and c, and the dolly row with c's prompt (scored[7]); group 1 drops b and d
    expect(run.trainedOn).toEqual([14, 15]);
  });

  it("scores every scored row with a subject once, by its group's model, and pools them", () => {
    expect(run.heldOut).toHaveLength(10);
    for (const h of run.heldOut) expect(h.unit).toBe(String(run.groups.get(subjectOf(h.row)!)));
    expect(run.pooled.router.n).toBe(10);
    expect(run.folds.map((f) => f.report.router.n)).toEqual([5, 5]);
    // strong right on the even positions: 5 of 10
    expect(run.pooled.router.strongQuality).toBeCloseTo(0.5, 12);
    expect(run.pooled.random.apgr).toBeCloseTo(0.5, 12);
  });
});

describe("outcome rows as training rows", () => {
  const bothWrong = mmlu("nutrition", false, false);
  const strongOnly = mmlu("nutrition", true, false);
  const bothRight = mmlu("nutrition", true, true);
  const gsm = other("openai/grade-school-math", "reasoning", "Tom has 3 apples.");

  it("labels by the strong model alone being right by default, by the weak model being wrong on request", () => {
    expect([bothWrong, strongOnly, bothRight].map((r) => trainingLabel(r)!.label)).toEqual(["standard", "reasoning", "standard"]);
    expect([bothWrong, strongOnly, bothRight].map((r) => trainingLabel(r, "weak-wrong")!.label)).toEqual(["reasoning", "reasoning", "standard"]);
    // a category-labelled row keeps its label either way
    expect(trainingLabel(gsm, "weak-wrong")).toEqual({ label: "reasoning", confidence: "high" });
    expect([bothWrong, gsm].map(labelFromOutcome)).toEqual([true, false]);
  });

  it("scales a row's weight by its multiplier before the classes are balanced", () => {
    const rows: LabelledRow[] = [
      { ...other("s", "standard", "a"), category: "c" },
      { ...other("s", "standard", "b"), category: "c" },
      { ...other("s", "reasoning", "c"), category: "c" },
    ];
    const plain = balancedWeights(rows);
    const scaled = balancedWeights(rows, undefined, [3, 1, 1]);
    expect(plain[0]).toBeCloseTo(plain[1]!, 12);
    expect(scaled[0]! / scaled[1]!).toBeCloseTo(3, 12);
    // each class still weighs half the rows
    expect(scaled[0]! + scaled[1]!).toBeCloseTo(1.5, 12);
    expect(scaled[2]).toBeCloseTo(1.5, 12);
  });
});
