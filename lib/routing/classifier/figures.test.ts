/**
 * Regression figures of the shipped model. The generalisation figures (each
 * benchmark family scored by a model trained without it) come from
 * `npm run eval:router`, which trains ~21 models and is too slow for a unit
 * test; here:
 *  - the fixed held-out (test) split of the shipped data, high-confidence
 *    labels: F1 and standard prompts sent to reasoning;
 *  - hand-written prompts of the kinds an earlier model sent to reasoning on
 *    unseen public sets (knowledge multiple choice, writing, role-play,
 *    opinions, counterfactuals, extraction) go standard, and multi-step ones
 *    reasoning. They are not training data; two of them (numbers in given
 *    material) were known failures until the features told the ask from the
 *    material it hands over.
 */
import { afterAll, describe, expect, it, vi } from "vitest";
import { confusionAt, type ScoredItem } from "./calibrate";
import { loadShipped, splitOf } from "./dataset";
import { classifierStage, DEFAULT_THRESHOLD } from "./index";
import { keywordRules } from "./keywords";
import { asTrainingRows } from "./trainer";

// The shipped model, even in a checkout where a deployment model is installed (./data/router-model.json).
vi.stubEnv("THINKGATE_ROUTER_MODEL", "/nonexistent/thinkgate-router-model.json");
afterAll(() => vi.unstubAllEnvs());

const test = asTrainingRows(loadShipped().filter((r) => splitOf(r.id) === "test"));
const scored = test.map((r) => ({ row: r, score: classifierStage(r.prompt, DEFAULT_THRESHOLD).score, label: r.label! }));
const at = (items: ScoredItem[]) => confusionAt(items, DEFAULT_THRESHOLD);
const tier = (p: string) => classifierStage(p, DEFAULT_THRESHOLD).tier;

describe("figures on the held-out split", () => {
  it("has a held-out split of the expected size", () => {
    expect(test.length).toBe(1801);
  });

  it("high-confidence labels: F1 >= 0.93 and at most 8% of standard prompts sent to reasoning", () => {
    const c = at(scored.filter((s) => s.row.label_confidence === "high"));
    expect(c.f1).toBeGreaterThanOrEqual(0.93);
    expect(c.fpr).toBeLessThanOrEqual(0.08);
  });

  it("beats the keyword-rules baseline on F1", () => {
    const c = at(scored);
    const kw = scored.map((s) => ({ score: keywordRules(s.row.prompt).tier === "reasoning" ? 1 : 0, label: s.label }));
    expect(c.f1).toBeGreaterThan(confusionAt(kw, 0.5).f1 + 0.1);
  });
});

describe("hand-written prompts of the kinds that fooled the earlier model", () => {
  const standard = [
    "Which planet is known as the Red Planet?\nA. Venus\nB. Mars\nC. Jupiter\nD. Saturn\nAnswer:",
    "Who wrote the novel 'Pride and Prejudice'?\n(A) Charlotte Brontë\n(B) Jane Austen\n(C) Mary Shelley\n(D) George Eliot",
    "Write a cover letter for a junior data analyst position at a logistics company. I have a statistics degree and one internship.",
    "I want you to act as a travel guide. I will tell you my location and you will suggest places to visit near it. My first request: I am in Lisbon.",
    "Pretend you are a pirate captain and greet your new crew.",
    "What is your opinion on remote work versus working in the office?",
    "What would have happened if the printing press had never been invented?",
    "Extract all the email addresses from this text: Contact anna@example.com for sales, or bob.smith@example.org for support. Our old address info@example.net is no longer used.",
    "Translate into Spanish: The train to Madrid leaves at 9 o'clock from platform 4.",
    "Explain what photosynthesis is in simple terms.",
  ];
  for (const p of standard) it(`standard: ${p.slice(0, 60).replace(/\n/g, " ")}`, () => expect(tier(p)).toBe("standard"));

  const reasoning = [
    "A train leaves city A at 60 km/h and another leaves city B, 300 km away, at 90 km/h towards it, 30 minutes later. When and where do they meet? Show your work.",
    "Prove that the square root of 2 is irrational.",
    "Five people sit in a row. Alice is not next to Bob, Carol is at one end, Dan sits left of Eve, and Bob is in the middle. List every valid seating and explain why there are no others.",
    "Design a rate limiter for a multi-region API that allows 1000 requests per minute per customer with at most 1% overshoot, and explain the trade-offs of your design.",
  ];
  for (const p of reasoning) it(`reasoning: ${p.slice(0, 60)}`, () => expect(tier(p)).toBe("reasoning"));

  // Numbers in given material are values to carry over, not arithmetic.
  it("standard: Return JSON with fields name and age for: ...", () =>
    expect(tier("Return JSON with fields name and age for: Maria Lopez is 34 years old and lives in Seville.")).toBe("standard"),
  );
  it("standard: Summarize in two sentences: ... (with figures)", () =>
    expect(
      tier(
        "Summarize in two sentences: The city council approved the new budget on Tuesday after a long debate. The budget raises spending on public transport by 12% and cuts the parks budget slightly. Several council members objected to the cuts, but the measure passed 7 to 4.",
      ),
    ).toBe("standard"),
  );
  const withFigures = [
    "Convert this to CSV: Q1 revenue 1,200 units at $14.50, Q2 1,450 units at $14.20, Q3 1,610 units at $13.90.",
    "Classify each transaction as food or transport: $12.40 bakery, $3.10 bus, $58.00 groceries, $22.75 taxi.",
    "Summarize this for the team:\n\nOur Q3 numbers: revenue up 14% to $8.2M, churn down from 3.1% to 2.4%, 37 new enterprise customers, and headcount 212 (+9).",
    // the material first, the ask last
    "Text: Q1 revenue 1,200 units at $14.50, Q2 1,450 units at $14.20, Q3 1,610 units at $13.90.\n\nConvert this to CSV.",
    "The Riverside Museum first opened its doors on June 3, 1998, with 14 galleries and a collection of some 2,400 objects. " +
      "Visitor numbers peaked at 310,000 in 2001, but the building's roof began to leak badly and the museum closed for renovation in 2004. " +
      "The refit cost $12 million, twice the original estimate, and added a new wing of 6 galleries. " +
      "The museum reopened in 2007 and now receives about 250,000 visitors a year, 40% of them school groups.\n\nWhen did it reopen?",
  ];
  for (const p of withFigures) it(`standard: ${p.slice(0, 60).replace(/\n/g, " ")}`, () => expect(tier(p)).toBe("standard"));

  // LangChain's stock RAG prompt (retrieved chunks joined by blank lines): the
  // figures of the context are values to look up, not a calculation. Reading
  // the labelled sections takes its score from 0.92 (the same prompt with
  // lower-case labels, which are not read as labels, scores as the extractor
  // did before) to 0.69, still above the shipped threshold (0.64): the
  // preamble's four sentences, the length and the closing "?" weigh towards
  // reasoning, and no training row has this shape (README, known limits).
  it("LangChain's RAG prompt over a context full of figures: reading its labelled context lowers the score", () => {
    const context =
      "Northwind Logistics reported revenue of $482.6 million for the third quarter of 2024, up 11.3% from $433.5 million a year earlier. " +
      "Operating margin rose to 14.2% from 12.8%, and net income reached $51.9 million, or $1.37 per diluted share.\n\n" +
      "The company shipped 18.4 million parcels in the quarter, 6% more than in Q3 2023, and opened 3 new distribution centres in Leeds, Lyon and Lodz, " +
      "bringing its network to 41 sites and 12,750 employees.\n\n" +
      "For the full year 2024, Northwind now expects revenue of $1.86 billion to $1.90 billion and capital spending of about $140 million, against $155 million in 2023.";
    const prompt =
      "You are an assistant for question-answering tasks. Use the following pieces of retrieved context to answer the question. " +
      "If you don't know the answer, just say that you don't know. Use three sentences maximum and keep the answer concise.\n" +
      `Question: What revenue does Northwind expect for 2024? \nContext: ${context} \nAnswer:`;
    const unread = prompt.replace("\nQuestion:", "\nquestion:").replace("\nContext:", "\ncontext:");
    expect(classifierStage(prompt, DEFAULT_THRESHOLD).score).toBeLessThan(classifierStage(unread, DEFAULT_THRESHOLD).score - 0.15);
  });
});
