/**
 * A conversation longer than the thread view's limit: `calls` calls that share
 * their first user message, sent ten at a time. Returns their request ids in
 * time order (ids sort by time).
 */
export type LoopMessage = { role: "user" | "assistant"; content: string };

export async function longConversation(send: (messages: LoopMessage[]) => Promise<string>, calls = 210): Promise<string[]> {
  const ids: string[] = [];
  for (let at = 0; at < calls; at += 10) {
    const sent = await Promise.all(
      Array.from({ length: Math.min(10, calls - at) }, (_, i) =>
        send([
          { role: "user", content: "Count with me, one step per message." },
          { role: "assistant", content: "Ready." },
          { role: "user", content: `Step ${at + i}.` },
        ]),
      ),
    );
    ids.push(...sent);
  }
  return ids.sort();
}
