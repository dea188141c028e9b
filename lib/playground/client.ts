/** The browser side of a playground run: POST /api/playground/run and read the SSE stream as it arrives. */
import { SseParser } from "../gateway/sse";
import { rawFetch } from "../ui/raw-fetch";
import type { PlaygroundInput, PlaygroundTier } from "./request";

export interface RunStart {
  /** thinkgate's id for the recorded request: the trace to open, the record to read the cost from. */
  requestId: string | null;
}

export async function streamRun(
  input: PlaygroundInput,
  tier: PlaygroundTier,
  onStart: (s: RunStart) => void,
  onEvent: (event: unknown) => void,
  signal: AbortSignal,
): Promise<void> {
  const res = await rawFetch("/api/playground/run", { method: "POST", body: { ...input, tier }, accept: "text/event-stream", signal });
  onStart({ requestId: res.headers.get("thinkgate-request-id") });
  if (!res.body) return;
  const parser = new SseParser();
  const decoder = new TextDecoder();
  const reader = res.body.getReader();
  const emit = (frames: ReturnType<SseParser["push"]>) => {
    for (const f of frames) {
      if (!f.data) continue;
      try {
        onEvent(JSON.parse(f.data));
      } catch {
        /* a frame that is not JSON carries nothing to show */
      }
    }
  };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    emit(parser.push(decoder.decode(value, { stream: true })));
  }
  emit(parser.end());
}
