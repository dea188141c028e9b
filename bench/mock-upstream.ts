/**
 * A mock Anthropic Messages upstream for the peer benchmark: node:http on
 * loopback, answering every POST .../v1/messages instantly with a canned
 * message shaped like the API's (a thinking block with its signature, a text
 * block, usage with cache and thinking tokens), as JSON or, when the body asks
 * for `stream: true`, as the API's SSE event sequence. The request body is read
 * but parsed only as far as finding `"stream":true`, so the mock's own cost
 * stays small and equal for every gateway measured through it.
 *
 *   tsx bench/mock-upstream.ts          prints nothing; PORT (default 0), HOST
 *
 * Forked by the bench, it reports { ready: true, port } over IPC.
 */
import http from "node:http";

const THINKING =
  "The user wants a one-line summary. The only fact is that the meeting moved to Tuesday; " +
  "nothing about the time or the reason. A summary should keep the fact and drop the filler, " +
  "so one short sentence is enough. Check: no date other than Tuesday is given, so I should not invent one.";
const ANSWER = "The meeting has been moved to Tuesday. No new time or reason was given, so the rest of the plan stays as it was.";
const SIGNATURE = "EqQBCkYIBxgCKkBbench" + "x".repeat(160);

const usage = {
  input_tokens: 412,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 1024,
  output_tokens: 96,
  output_tokens_details: { thinking_tokens: 61 },
  service_tier: "standard",
};

function message(model: string, id: string) {
  return {
    id,
    type: "message",
    role: "assistant",
    model,
    content: [
      { type: "thinking", thinking: THINKING, signature: SIGNATURE },
      { type: "text", text: ANSWER },
    ],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage,
  };
}

const frame = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

/** The SSE sequence the API sends for the same message, deltas split the way the API splits them (a few words each). */
function stream(model: string, id: string): string {
  const chunks = (s: string, n: number) => s.match(new RegExp(`(?:\\S+\\s*){1,${n}}`, "g")) ?? [s];
  const out = [
    frame("message_start", {
      type: "message_start",
      message: { ...message(model, id), content: [], stop_reason: null, usage: { ...usage, output_tokens: 1, output_tokens_details: { thinking_tokens: 0 } } },
    }),
    frame("content_block_start", { type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "", signature: "" } }),
    ...chunks(THINKING, 6).map((t) => frame("content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: t } })),
    frame("content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "signature_delta", signature: SIGNATURE } }),
    frame("content_block_stop", { type: "content_block_stop", index: 0 }),
    frame("content_block_start", { type: "content_block_start", index: 1, content_block: { type: "text", text: "" } }),
    ...chunks(ANSWER, 6).map((t) => frame("content_block_delta", { type: "content_block_delta", index: 1, delta: { type: "text_delta", text: t } })),
    frame("content_block_stop", { type: "content_block_stop", index: 1 }),
    frame("message_delta", { type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: usage.output_tokens, output_tokens_details: usage.output_tokens_details } }),
    frame("message_stop", { type: "message_stop" }),
  ];
  return out.join("");
}

// Canned per model (the bench sends one or two), built once: the mock answers
// without serialising anything per request. Ids repeat; gateways do not key on them.
const cache = new Map<string, { json: Buffer; sse: Buffer }>();
function answers(model: string) {
  let a = cache.get(model);
  if (!a) {
    const id = `msg_bench_${model.replace(/[^a-z0-9]/gi, "").slice(0, 16)}`;
    a = { json: Buffer.from(JSON.stringify(message(model, id))), sse: Buffer.from(stream(model, id)) };
    if (cache.size < 16) cache.set(model, a);
  }
  return a;
}

const MODEL_RE = /"model"\s*:\s*"([^"]{1,100})"/;
const STREAM_RE = /"stream"\s*:\s*true/;

const server = http.createServer((req, res) => {
  if (req.method !== "POST" || !req.url?.endsWith("/v1/messages")) {
    res.writeHead(404, { "content-type": "application/json" }).end('{"type":"error","error":{"type":"not_found_error","message":"mock: POST /v1/messages only"}}');
    return;
  }
  const parts: Buffer[] = [];
  req.on("data", (d: Buffer) => parts.push(d));
  req.on("end", () => {
    const body = Buffer.concat(parts).toString("utf8");
    const a = answers(MODEL_RE.exec(body)?.[1] ?? "claude-sonnet-4-6");
    const headers = { "request-id": "req_bench_mock", "anthropic-organization-id": "org_bench" };
    if (STREAM_RE.test(body)) res.writeHead(200, { ...headers, "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" }).end(a.sse);
    else res.writeHead(200, { ...headers, "content-type": "application/json", "content-length": a.json.length }).end(a.json);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? "127.0.0.1", () => {
  const addr = server.address();
  const port = addr && typeof addr === "object" ? addr.port : 0;
  if (process.send) process.send({ ready: true, port });
  else process.stdout.write(`mock upstream on http://127.0.0.1:${port}/v1/messages\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
