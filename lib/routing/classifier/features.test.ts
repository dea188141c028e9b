import { describe, expect, it } from "vitest";
import { DIM, N_FEATURES, STRUCT_NAMES, extractFeatures, featureNames, materialRange, tokenizeForLexicon, WINDOW_HEAD, WINDOW_TAIL } from "./features";

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

  it("counts the ask's sentences (not decimal points, not given material)", () => {
    expect(s("A train leaves at 3.5 km/h. Another follows! Which arrives first?").askSentences).toBe(3);
    expect(s("Hello there").askSentences).toBe(0);
    // after "Summarize ...:" the article is material: only the ask's own sentence ends count
    expect(s("Summarize in one sentence: The library opens on Sundays. It closes at 5. Staff agreed.").askSentences).toBe(0);
  });

  it("marks quantities given with a question or an operation asked for, not a number looked up", () => {
    const idx = DIM + STRUCT_NAMES.indexOf("quantities_asked");
    const has = (t: string) => Array.from(extractFeatures(t).idx).includes(idx);
    expect(has("Tom has 12 apples and gives away 5. How many are left?")).toBe(true);
    expect(has("Calculate the area of a 3 by 4 rectangle.")).toBe(true);
    expect(has("How many moons does Jupiter have?")).toBe(false);
    expect(has("Write a haiku about 3 cats and 2 dogs.")).toBe(false);
    // numbers in the answer options are choices offered, not quantities given
    expect(s("Which planet has the most moons?\nA. 14\nB. 27\nC. 95\nD. 146").optionNumbers).toBe(4);
    expect(has("Which planet has the most moons?\nA. 14\nB. 27\nC. 95\nD. 146")).toBe(false);
    expect(has("A bus travels 280 km in 4 hours. What is its average speed?\nA. 4 km/h\nB. 70 km/h\nC. 280 km/h")).toBe(true);
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

describe("instruction and given material", () => {
  const summary =
    "Summarize in two sentences: The council approved the budget on Tuesday. It raises transport spending by 12% and passed 7 to 4.";

  it("finds the material after a task instruction ended by ': ' or a blank line", () => {
    expect(materialRange(summary)).toEqual([summary.indexOf(":") + 1, summary.length, "task"]);
    const para = "Extract the dates from this paragraph\n\nThe museum opened on June 3, 1998 and closed in 2004.";
    expect(materialRange(para)).toEqual([para.indexOf("\n"), para.length, "task"]);
    expect(materialRange("请把下面这段话总结成一句话：公司今年第三季度营收增长了百分之十二，主要得益于海外市场的扩张和新产品的推出。").slice(0, 1)).toEqual([14]);
  });

  it("finds the material after a question ended by a blank line", () => {
    const text = "When did the museum reopen?\n\nThe museum opened on June 3, 1998, closed for renovation in 2004 and reopened in 2007.";
    expect(materialRange(text)).toEqual([text.indexOf("\n"), text.length, "question"]);
    // a question followed by its own data on the next line is one question
    expect(materialRange("What is the mean of these values?\n3, 8, 12, 20, 31, 40")[2]).toBe("none");
  });

  it("keeps a closing question in the ask", () => {
    const text = "Summarize this report: Sales rose 12% in May and 9% in June. Costs were flat. Which month grew most?";
    const [from, to] = materialRange(text);
    expect(text.slice(from, to)).toBe(" Sales rose 12% in May and 9% in June. Costs were flat.");
  });

  it("finds none without a task instruction, with a derivation asked, on later lines or in code", () => {
    const none = [0, 0, "none"];
    expect(materialRange("Solve for x: 3x + 4 = 10, and 2x - y = 7 for the same x.")).toEqual(none);
    expect(materialRange("Question: Janet has 16 eggs and sells 3 of them for $2 each. How much does she make?")).toEqual(none);
    expect(materialRange("Summarize and calculate the total: 3 apples at $2 and 4 pears at $1.50.")).toEqual(none);
    expect(materialRange("Why does this return 0?\n\ndef mean(xs):\n    return sum(xs) // len(xs) * 0")).toEqual(none);
    expect(materialRange("What is the date a month ago in MM/DD/YYYY format?\nOptions:\n(A) 01/01/2020\n(B) 01/02/2020")).toEqual(none);
    expect(materialRange("def total(items: list):\n    return sum(i.price * i.qty for i in items)")).toEqual(none);
    expect(materialRange("Translate: hi")).toEqual(none); // too short to tell apart
  });

  const article =
    "The Riverside Museum first opened its doors on June 3, 1998, with 14 galleries and a collection of some 2,400 objects. " +
    "Visitor numbers peaked at 310,000 in 2001, but the building's roof began to leak badly and the museum closed for renovation in 2004. " +
    "The refit cost $12 million, twice the original estimate, and added a new wing of 6 galleries. " +
    "The museum reopened in 2007 and now receives about 250,000 visitors a year, 40% of them school groups.";

  it("finds material before a closing ask: a question or a task as the last paragraph", () => {
    // (labelled, the context alone is the material: see "labelled sections" below)
    const rag = "Context: The museum opened on June 3, 1998, closed in 2004 and reopened in 2007.\n\nQuestion: When did the museum reopen?";
    expect(materialRange(rag)).toEqual([rag.indexOf(":") + 2, rag.indexOf("\n"), "question"]);
    const asked = `${article}\n\nWhen did it reopen?`;
    expect(materialRange(asked)).toEqual([0, article.length, "question"]);
    const email =
      "Hi team,\n\nQuick update on the move: the new office at 42 Harbour St is ready from March 3. Desks 1-40 go to engineering, 41-60 to sales. " +
      "Parking passes cost $35 a month and 25 are left. The old lease ends March 31, so please pack by the 28th; movers arrive at 8:00 on the 29th. " +
      "IT will move the 3 servers on the 30th between 18:00 and 22:00, so expect about 4 hours without the build farm. Questions to Priya.\n\nThanks,\nMarco";
    const summarize = `${email}\n\nSummarize the above in two sentences.`;
    expect(materialRange(summarize)).toEqual([0, email.length, "task"]);
    const st = s(summarize);
    expect(st.numbers).toBeGreaterThan(10);
    expect(st.askNumbers).toBe(0);
    expect(st.askSentences).toBe(1);
    expect(s(asked).askNumbers).toBe(0);
    const names = [...featureNames(summarize, extractFeatures(summarize).idx).values()];
    expect(names).toContain("struct:task_on_material");
    expect(names).toContain("word:<value>");
    expect(names.filter((n) => n.startsWith("lead:")).every((n) => /^lead:(summarize|the|above|in|two|sentences|\.)( |$)/.test(n))).toBe(true);
    // short material labelled, fenced or quoted as handed over
    expect(materialRange('"The store opens at 9 and closes at 17 on weekdays."\n\nTranslate this into German.')[2]).toBe("task");
    expect(materialRange("```\nname: Ana, age 34, city: Porto\n```\n\nReturn this as JSON.")[2]).toBe("task");
    expect(materialRange("<document>\nThe store opens at 9 and closes at 17 on weekdays.\n</document>\n\nWhat time does it close?")[2]).toBe("question");
  });

  it("prefers the ask before the material when both apply", () => {
    const text = `Summarize this report:\n\n${article}\n\nWhat changed in 2004?`;
    const [from, to, kind] = materialRange(text);
    expect(kind).toBe("task");
    expect(from).toBe(text.indexOf(":") + 1);
    expect(to).toBeLessThan(text.length);
  });

  it("finds no material before a word problem's question, or before an ask to derive or debug", () => {
    const none = [0, 0, "none"];
    expect(materialRange("A train leaves the station at 3 pm travelling at 60 mph. A second train leaves at 4 pm at 80 mph on the same track.\n\nHow far has the first train gone by 5 pm?")).toEqual(none);
    expect(materialRange(`${article}\n\nCalculate the average yearly growth in visitors between 1998 and 2001.`)).toEqual(none);
    expect(materialRange(`${article}\n\nWhy does the roof leak, and how do we fix it?`)).toEqual(none);
    expect(materialRange(`Solve the problem below.\n${article}\n\nWhat was the cost per gallery?`)).toEqual(none);
    expect(materialRange(`${article}\n\n    print(visitors[2001])`)).toEqual(none);
    // a puzzle's numbered conditions, HTML, a closing stanza ending in "?" are not material before an ask
    const clues = Array.from({ length: 8 }, (_, k) => `${k + 1}. The person in house ${(k % 3) + 1} does not own the red car or the ${k}th bicycle.`).join("\n");
    expect(materialRange(`There are 3 houses in a row, numbered 1 to 3.\nClues:\n${clues}\n\nWhat is the number of the house where the bird keeper lives?`)).toEqual(none);
    expect(materialRange(`${article} Let $x$ be the number of galleries today.\n\nWhat is $x$?`)).toEqual(none);
    expect(materialRange('<div style="width: 100vh; height: 100vh;">\n  <img src="img/world.png">\n</div>\n\nHow do I center the child divs?')).toEqual(none);
    expect(materialRange(`Do you realize\nThat you have the most beautiful face?\n\n${article}\n\nDo you realize\nThat happiness makes you cry?\nThat everyone you know\nSomeday will die?`)).toEqual(none);
    const q = s("A train leaves the station at 3 pm travelling at 60 mph. A second train leaves at 4 pm at 80 mph on the same track.\n\nHow far has the first train gone by 5 pm?");
    expect(q.askNumbers).toBe(q.numbers);
  });

  it("counts the ask's numbers and cues apart from the material's", () => {
    const st = s(summary);
    expect(st.material).toBe("task");
    expect(st.numbers).toBe(3);
    expect(st.askNumbers).toBe(0);
    expect(st.cues.plan).toBe(1); // "budget", in the material
    expect(st.askCues.plan).toBe(0);
    expect(st.askCues.task).toBe(1);
    const q = s("Janet has 16 eggs and sells 3 of them for $2 each. How much does she make?");
    expect(q.material).toBe("none");
    expect(q.askNumbers).toBe(q.numbers);
    expect(q.askCues).toEqual(q.cues);
  });

  it("reads numbers in the material as values and keeps the instruction zones on the instruction", () => {
    const f = extractFeatures(summary);
    const names = [...featureNames(summary, f.idx).values()];
    expect(names).toContain("word:<value>");
    expect(names).not.toContain("word:00");
    expect(names).toContain("struct:task_on_material");
    expect(names.filter((n) => n.startsWith("lead:")).every((n) => /^lead:(summarize|in|two|sentences|:)( |$)/.test(n))).toBe(true);
    expect(names.filter((n) => n.startsWith("tail:")).sort()).toEqual(["tail::", "tail:sentences", "tail:summarize", "tail:two"]);
    // the same figures in a question are the question's
    const q = [...featureNames("It rose 12% and passed 7 to 4. By how much?", extractFeatures("It rose 12% and passed 7 to 4. By how much?").idx).values()];
    expect(q).toContain("word:00");
  });
});

describe("labelled sections", () => {
  const none = [0, 0, "none"];
  const report =
    "Northwind Logistics reported revenue of $482.6 million for the third quarter of 2024, up 11.3% from $433.5 million a year earlier. " +
    "Operating margin rose to 14.2% from 12.8%, and net income reached $51.9 million, or $1.37 per diluted share. " +
    "The company shipped 18.4 million parcels, 6% more than in Q3 2023, and opened 3 new distribution centres, bringing the total to 41.";
  const range = (text: string, part: string) => [text.indexOf(part), text.indexOf(part) + part.length];

  it("finds the context of LangChain's RAG prompt, the question and the preamble being the ask", () => {
    const text =
      "You are an assistant for question-answering tasks. Use the following pieces of retrieved context to answer the question. " +
      "If you don't know the answer, just say that you don't know. Use three sentences maximum and keep the answer concise.\n" +
      `Question: What was Northwind's operating margin in the third quarter? \nContext: ${report} \nAnswer:`;
    expect(materialRange(text)).toEqual([...range(text, report), "question"]);
    const st = s(text);
    expect(st.numbers).toBeGreaterThan(10);
    expect(st.askNumbers).toBe(0);
    const names = [...featureNames(text, extractFeatures(text).idx).values()];
    expect(names).toContain("word:<value>");
    // the instruction zones are the preamble's and the question's, none of the context's words
    expect(names).toContain("lead:assistant");
    expect(names).toContain("tail:margin");
    expect(names.some((n) => /^(lead|tail):.*(revenue|parcels|diluted|<value>)/.test(n))).toBe(false);
  });

  it("finds the context between a preamble, the question and a closing Answer:", () => {
    const text = `Answer the question based on the context below.\n\nContext: ${report}\n\nQuestion: What was the revenue a year earlier?\n\nAnswer:`;
    expect(materialRange(text)).toEqual([...range(text, report), "question"]);
    expect(s(text).askNumbers).toBe(0);
  });

  it("finds a context section over several paragraphs, with no blank line before the question", () => {
    const body = `${report}\n\nThe board approved a dividend of $0.42 per share, payable on 15 November.`;
    const text = `Context:\n${body}\nQuestion: Which dividend did the board approve?`;
    expect(materialRange(text)).toEqual([...range(text, body), "question"]);
    expect(s(text).askNumbers).toBe(0);
  });

  it("finds Alpaca's input under an instruction, and names the task", () => {
    const text = `### Instruction:\nSummarize the report in two sentences.\n\n### Input:\n${report}\n\n### Response:`;
    expect(materialRange(text)).toEqual([...range(text, report), "task"]);
    const names = [...featureNames(text, extractFeatures(text).idx).values()];
    expect(names).toContain("struct:task_on_material");
    expect(s(text).askNumbers).toBe(0);
  });

  it("takes every material section as material, markdown and indexes allowed", () => {
    const a = "The museum opened on June 3, 1998 with 14 galleries.";
    const b = "It closed in 2004 and reopened in 2007 with 20 galleries.";
    const text = `**Document 1:** ${a}\n**Document 2:** ${b}\n**Question:** When did the museum reopen?`;
    expect(materialRange(text)).toEqual([...range(text, a), "question", range(text, b)]);
    const split = `Passage: ${a}\nQuestion: When did it reopen?\nSource: ${b}`;
    expect(materialRange(split)).toEqual([...range(split, a), "question", range(split, b)]);
    expect(s(split).askNumbers).toBe(0);
    expect(s(split).numbers).toBe(6);
  });

  it("finds none for a problem under Question: with no material label, or beside a short context", () => {
    const problem = "Question: A shop sells 12 pens at $3 each and 5 notebooks at $4 each. What is the total?\nAnswer:";
    expect(materialRange(problem)).toEqual(none);
    expect(s(problem).askNumbers).toBe(s(problem).numbers);
    expect(materialRange("Context: exam prep\nQuestion: What is 17 * 23 + 5?")).toEqual(none);
    expect(s("Context: exam prep\nQuestion: What is 17 * 23 + 5?").askArithmeticOps).toBe(2);
  });

  it("finds none when the ask asks to derive or debug: the figures are then quantities to work with", () => {
    const growth = `Context: ${report}\n\nQuestion: Calculate the growth in net income per parcel.\n\nAnswer:`;
    expect(materialRange(growth)).toEqual(none);
    expect(s(growth).askNumbers).toBe(s(growth).numbers);
    expect(materialRange(`Context: ${report}\nQuestion: Prove that the margin cannot have risen by more than 2 points.`)).toEqual(none);
    expect(materialRange("Context:\nINFO job started at 12:00:01\nERROR worker 3 exited with code 137\nQuestion: Why does the job fail?")).toEqual(none);
    // a derive cue in the preamble counts too
    expect(materialRange(`Think step by step.\nContext: ${report}\nQuestion: What was the revenue?`)).toEqual(none);
  });

  it("reads Input only beside an Instruction, and no label in code or in lower case", () => {
    const spec = "Task: find the cheapest set of roads joining every house.\nInput\nThe first line contains n and m (1 <= n, m <= 200000), then m lines with u, v and w.\nOutput\nPrint the total cost.";
    expect(materialRange(spec)).toEqual(none);
    expect(materialRange("```yaml\nText: the deployment runs 3 replicas on 2 nodes\nTask: sync\n```\nWhat does this config do?")).toEqual(none);
    expect(materialRange(`context: ${report}\nquestion: what was the revenue?`)).toEqual(none);
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

  it("keeps function words in bigrams only", () => {
    const text = "How many of the apples are at the market?";
    const names = [...featureNames(text, extractFeatures(text).idx).values()];
    expect(names).toContain("word:apples");
    expect(names).toContain("bigram:how many");
    expect(names).toContain("bigram:at the");
    for (const w of ["the", "at", "are", "of"]) {
      expect(names).not.toContain(`word:${w}`);
      expect(names).not.toContain(`lead:${w}`);
      expect(names).not.toContain(`tail:${w}`);
    }
    expect(names.some((n) => n === "chars:<the" || n === "chars:the>")).toBe(false);
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
