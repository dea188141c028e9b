import { describe, expect, it } from "vitest";
import { buildThread, type ThreadRecord } from "./thread";

const rec = (id: string, over: Partial<ThreadRecord>): ThreadRecord => ({
  id,
  createdAt: new Date(`2026-12-05T10:00:0${id.slice(-1)}Z`),
  stage: "classifier",
  tier: "reasoning",
  servedModel: "claude-opus-4-7",
  status: "ok",
  messageCount: 1,
  prompt: null,
  answer: null,
  thinkingText: null,
  thinkingStatus: "none",
  thinkingTokens: 0,
  toolCalls: null,
  toolResults: null,
  failureScore: null,
  ...over,
});

describe("buildThread", () => {
  it("orders a tool loop's calls and groups tool-result continuations under the user turn that started them", () => {
    const t = buildThread("conv", [
      // Stored out of order on purpose.
      rec("r3", { messageCount: 5, stage: "pinned", toolResults: '[{"toolUseId":"tu_2","content":"42 lines","isError":false}]', answer: "The file has 42 lines." }),
      rec("r1", { messageCount: 1, prompt: "How long is notes.txt?", thinkingText: "I should read the file.", thinkingStatus: "text", toolCalls: '[{"id":"tu_1","name":"read_file","input":"{\\"path\\":\\"notes.txt\\"}"}]' }),
      rec("r2", { messageCount: 3, stage: "pinned", toolResults: '[{"toolUseId":"tu_1","content":"...","isError":false}]', toolCalls: '[{"id":"tu_2","name":"wc","input":"{}"}]' }),
      rec("r4", { messageCount: 7, stage: "classifier", tier: "standard", servedModel: "claude-sonnet-4-6", prompt: "Thanks! And the word count?" }),
    ]);
    expect(t.calls).toBe(4);
    expect(t.toolCalls).toBe(2);
    expect(t.turns.map((x) => [x.turn, x.calls.map((c) => c.id)])).toEqual([
      [1, ["r1", "r2", "r3"]],
      [2, ["r4"]],
    ]);
    const [first, second, third] = t.turns[0]!.calls;
    expect(first).toMatchObject({ userText: "How long is notes.txt?", pinned: false, thinking: "I should read the file." });
    expect(first!.toolCalls[0]).toEqual({ id: "tu_1", name: "read_file", input: '{"path":"notes.txt"}' });
    expect(second).toMatchObject({ userText: null, pinned: true });
    expect(second!.toolResults[0]!.toolUseId).toBe("tu_1");
    expect(third!.answer).toBe("The file has 42 lines.");
    expect(t.models).toEqual(["claude-opus-4-7", "claude-sonnet-4-6"]);
  });

  it("keeps a session's calls in the order they were made across a compaction, after which the conversation has fewer messages", () => {
    const t = buildThread("conv", [
      rec("r5", { messageCount: 3, stage: "pinned", toolResults: '[{"toolUseId":"tu_3","content":"...","isError":false}]', answer: "Done." }),
      rec("r1", { messageCount: 1, prompt: "Read notes.txt", toolCalls: '[{"id":"tu_1","name":"Read","input":"{}"}]' }),
      rec("r2", { messageCount: 3, stage: "pinned", toolResults: '[{"toolUseId":"tu_1","content":"...","isError":false}]', answer: "Friday." }),
      // The compaction (the whole conversation and a summary request), then the conversation that opens with its summary.
      rec("r3", { messageCount: 5, stage: "background", tier: "standard", prompt: "Your task is to create a detailed summary of the conversation so far" }),
      rec("r4", { messageCount: 2, prompt: "Now fix it.", toolCalls: '[{"id":"tu_3","name":"Edit","input":"{}"}]' }),
    ]);
    expect(t.turns.map((x) => x.calls.map((c) => c.id))).toEqual([["r1", "r2"], ["r3"], ["r4", "r5"]]);
  });

    it("keeps calls seen before any user text in a turn 0, and survives damaged JSON", () => {
    const t = buildThread(null, [rec("r1", { messageCount: 3, toolResults: "not json", toolCalls: "{}" })]);
    expect(t.turns).toHaveLength(1);
    expect(t.turns[0]!.turn).toBe(0);
    expect(t.turns[0]!.calls[0]!.toolResults).toEqual([]);
  });
});
