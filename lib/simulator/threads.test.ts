import { describe, expect, it } from "vitest";
import { AppError } from "../api/errors";
import { expandThread, holdThread } from "./threads";

describe("server-held threads in the simulator", () => {
  const user = (text: string) => ({ role: "user", content: text });

  it("reads a continuation as the conversation it continues, answer by answer", () => {
    const first = { model: "claude-sonnet-4-6", messages: [user("one")], thread: { type: "create" } };
    expect(expandThread(first)).toBe(first);
    holdThread(first, { id: "msg_a", role: "assistant", content: [{ type: "text", text: "first answer" }] });
    const second = expandThread({ model: "claude-sonnet-4-6", messages: [user("two")], thread: { type: "continue", previous_message_id: "msg_a" } }) as Record<string, unknown> & { messages: unknown[] };
    expect(second.messages).toEqual([user("one"), { role: "assistant", content: [{ type: "text", text: "first answer" }] }, user("two")]);
    holdThread(second, { id: "msg_b", role: "assistant", content: [{ type: "text", text: "second answer" }] });
    const third = expandThread({ messages: [user("three")], thread: { type: "continue", previous_message_id: "msg_b" } }) as { messages: unknown[] };
    expect(third.messages).toHaveLength(5);
    // The earlier answer still names its own point in the conversation.
    expect((expandThread({ messages: [user("again")], thread: { type: "continue", previous_message_id: "msg_a" } }) as { messages: unknown[] }).messages).toHaveLength(3);
  });

  it("refuses a bad thread and an id no thread holds with the API's 400", () => {
    const err = (body: unknown) => {
      const r = expandThread(body);
      return r instanceof AppError ? r.message : null;
    };
    expect(err({ messages: [], thread: { type: "continue", previous_message_id: "msg_unknown" } })).toBe("thread.continue.previous_message_id: no thread holds message msg_unknown");
    expect(err({ messages: [], thread: { type: "continue" } })).toBe("thread.continue.previous_message_id: Field required");
    expect(err({ messages: [], thread: { type: "fork" } })).toMatch(/^thread: Input tag 'fork'/);
    expect(err({ messages: [], thread: "create" })).toBe("thread: Input should be a valid dictionary");
    expect(err({ messages: [], thread: null })).toBeNull();
  });
});
