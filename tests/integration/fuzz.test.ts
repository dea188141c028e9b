/**
 * Hostile input, at volume: thousands of malformed or hostile requests,
 * generated deterministically (seeded) from valid ones — wrong types, missing
 * fields, invalid and truncated JSON, invalid UTF-8, deep nesting, "__proto__"
 * keys, bad thinking and tool configurations, bad headers, wrong methods,
 * oversize bodies, broken Message Batches and uploads, ids that are no ids —
 * against the gateway, the relayed endpoints and the admin APIs of a real
 * server.
 *
 * Every answer must be a 4xx in the API's error shape (none a 5xx, none a
 * success), the process must stay up, and no request may be recorded as a
 * success.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordCounts } from "../support/db";
import { eventually, startServer, type TestServer } from "../support/server";

const SEED = Number(process.env.THINKGATE_FUZZ_SEED ?? 20261126);
const MAX_BODY = 256 * 1024;
const CONCURRENCY = 12;

let server: TestServer;

beforeAll(async () => {
  server = await startServer({ env: { THINKGATE_MAX_BODY_BYTES: String(MAX_BODY) } });
});

afterAll(async () => {
  await server?.stop();
});

/** mulberry32: small, fast, and the same sequence for the same seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
  };
}
type Rng = ReturnType<typeof prng>;

interface Payload {
  kind: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  /** Raw body; objects are JSON-encoded. */
  body?: string | Uint8Array | object;
  /** Send no credentials (or the given wrong ones) instead of the admin key. */
  auth?: "none" | string;
}

const VALID = {
  model: "claude-sonnet-4-6",
  max_tokens: 256,
  messages: [{ role: "user", content: "Summarize: the meeting moved to Tuesday." }],
};
const VALID_TEXT = JSON.stringify(VALID);

/** Values that are the wrong type (or out of range) for the field they replace. */
const WRONG: Record<string, unknown[]> = {
  model: [null, 0, 42, true, false, [], {}, [VALID.model], { id: VALID.model }, "", "m".repeat(300), "m".repeat(5_000)],
  max_tokens: [null, "256", "", -1, -256, 1.5, 0.0001, 2_000_000, 1e21, true, [], {}, [256], { value: 256 }, -1e308],
  messages: [
    null,
    "hello",
    0,
    {},
    [],
    [null],
    [1],
    ["hello"],
    [[]],
    [{}],
    [{ role: "user" }],
    [{ content: "hi" }],
    [{ role: "robot", content: "hi" }],
    [{ role: 1, content: "hi" }],
    [{ role: "user", content: 5 }],
    [{ role: "user", content: null }],
    [{ role: "user", content: {} }],
    [{ role: "user", content: [{}] }],
    [{ role: "user", content: [1] }],
    [{ role: "user", content: ["hi"] }],
    [{ role: "user", content: [{ type: "" }] }],
    [{ role: "user", content: [{ type: 5 }] }],
    [{ role: "user", content: [{ type: "text" }] }],
    [{ role: "user", content: [{ type: "text", text: 5 }] }],
    [{ role: "user", content: [{ type: "text", text: null }] }],
    [{ role: "user", content: "" }],
    [{ role: "user", content: [] }],
    [{ role: "user", content: [{ type: "text", text: "" }] }],
  ],
  system: [0, true, {}, [1], [{}], [{ type: "text" }], [{ type: "text", text: 1 }], [null]],
  tools: ["get_weather", 1, true, {}, [1], ["tool"], [null], [{}], [{ name: "bad name!", input_schema: {} }], [{ name: "t" }], [{ name: "t", input_schema: {} }, { name: "t", input_schema: {} }], [{ name: 5, input_schema: {} }]],
  thinking: ["on", 1, true, [], [{ type: "enabled" }], {}, { type: 5 }, { type: null }, { type: "bogus" }, { type: "enabled", budget_tokens: "many" }, { type: "enabled", budget_tokens: -5 }],
  output_config: ["high", 1, true, [], { effort: 5 }, { effort: [] }, { effort: {} }],
  stream: ["yes", 1, 0, null, {}, [], "true"],
  temperature: [0.5, 1, 0],
  top_p: [0.9],
  top_k: [40],
  tool_choice: ["auto", 1, { type: "bogus" }, { type: "tool" }, { type: "any" }],
};

const withField = (field: string, value: unknown) => ({ ...VALID, [field]: value });

/** JSON text nesting `leaf` (JSON text) `depth` levels deep, arrays and objects alternating (built as text: too deep for JSON.stringify). */
function nested(depth: number, leaf = '"x"'): string {
  let open = "";
  let close = "";
  for (let i = 0; i < depth; i++) {
    open += i % 2 ? '{"k":' : "[";
    close = (i % 2 ? "}" : "]") + close;
  }
  return open + leaf + close;
}

function randomBytes(rng: Rng, n: number, invalidUtf8: boolean): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.int(0, 255);
  if (invalidUtf8) out[rng.int(0, n - 1)] = rng.pick([0xff, 0xfe, 0xc0, 0xc1, 0xf5]);
  return out;
}

/** A valid body with one structural character inserted outside strings, which never leaves valid JSON. */
function corrupt(rng: Rng, text: string): string {
  const structural: number[] = [];
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{" || c === "}" || c === "[" || c === "]" || c === ":" || c === ",") structural.push(i);
  }
  const at = rng.pick(structural);
  return text.slice(0, at) + rng.pick([",", ":", "}", "]", "{", "[", "'", "\\", "x"]) + text.slice(at);
}

const INVALID_JSON = [
  "{",
  "}",
  "{]",
  "[}",
  '{"model": }',
  '{"model" "x"}',
  "{'model': 'x'}",
  '{"max_tokens": NaN}',
  '{"max_tokens": Infinity}',
  '{"max_tokens": 01}',
  '{"a": 1,}',
  "{/* comment */}",
  VALID_TEXT + "x",
  VALID_TEXT + VALID_TEXT,
  '{"model": "claude-sonnet-4-6"\u0000}',
  "undefined",
  "<xml/>",
  "model=claude&max_tokens=5",
];

const NON_OBJECT = ["null", "true", "false", "0", "-1", "1e400", '"a string"', "[]", "[{}]", JSON.stringify([VALID]), " ", "\n\t"];

/** Hostile bodies for any JSON endpoint: not JSON, not an object, too deep, "__proto__" keys, not UTF-8. */
function genericHostile(rng: Rng): (string | Uint8Array)[] {
  return [
    ...INVALID_JSON,
    ...NON_OBJECT,
    `{"x": ${nested(rng.int(65, 3_000))}}`,
    "[".repeat(rng.int(100, 100_000)),
    '{"__proto__": {"isAdmin": true}}',
    `{"a": {"b": [{"__proto__": {"polluted": ${rng.int(1, 9)}}}]}}`,
    randomBytes(rng, rng.int(1, 64), true),
    VALID_TEXT.slice(0, rng.int(1, VALID_TEXT.length - 1)),
  ];
}

const messages = (body: Payload["body"], kind: string, extra: Partial<Payload> = {}): Payload => ({ kind, method: "POST", path: "/api/v1/messages", body, ...extra });

function generate(): Payload[] {
  const rng = prng(SEED);
  const out: Payload[] = [];

  // 1. Every wrong value of every field, on the gateway, on /v1/route, and (for the shape-only ones) count_tokens.
  for (const [field, values] of Object.entries(WRONG)) {
    for (const v of values) {
      out.push(messages(withField(field, v), `wrong-type:${field}`));
      if (field !== "stream") out.push(messages({ ...withField(field, v), stream: true }, `wrong-type-stream:${field}`));
      out.push({ kind: `route-wrong-type:${field}`, method: "POST", path: "/api/v1/route", body: withField(field, v) });
    }
  }
  // 2. Missing required fields, alone and together.
  for (const drop of [["model"], ["max_tokens"], ["messages"], ["model", "max_tokens"], ["model", "messages"], ["max_tokens", "messages"], ["model", "max_tokens", "messages"]]) {
    const b: Record<string, unknown> = { ...VALID };
    for (const k of drop) delete b[k];
    out.push(messages(b, `missing:${drop.join("+")}`));
    // count_tokens takes no max_tokens: only the other two are required there.
    if (drop.some((k) => k !== "max_tokens")) out.push({ kind: `count-missing:${drop.join("+")}`, method: "POST", path: "/api/v1/messages/count_tokens", body: { ...b, max_tokens: undefined } });
  }
  // 3. Random mutations: one to three wrong fields at once, with or without extra unknown fields.
  const fields = Object.keys(WRONG);
  for (let i = 0; i < 700; i++) {
    const b: Record<string, unknown> = { ...VALID };
    const n = rng.int(1, 3);
    for (let j = 0; j < n; j++) {
      const f = rng.pick(fields);
      b[f] = rng.pick(WRONG[f]!);
    }
    if (rng.next() < 0.3) b[`x_${rng.int(0, 1e6)}`] = rng.pick([1, "s", null, {}, []]);
    out.push(messages(b, "mutation"));
  }
  // 4. Broken JSON text: truncated at every kind of position, corrupted, garbage, invalid UTF-8.
  for (let i = 0; i < 300; i++) out.push(messages(VALID_TEXT.slice(0, rng.int(1, VALID_TEXT.length - 1)), "truncated"));
  for (let i = 0; i < 250; i++) out.push(messages(corrupt(rng, VALID_TEXT), "corrupted"));
  for (let i = 0; i < 100; i++) out.push(messages(randomBytes(rng, rng.int(1, 2_000), true), "binary"));
  for (let i = 0; i < 40; i++) {
    const bytes = Buffer.from(VALID_TEXT);
    bytes[rng.int(30, bytes.length - 10)] = rng.pick([0xff, 0xc3, 0xe2, 0x80]);
    out.push(messages(new Uint8Array(bytes), "invalid-utf8"));
  }
  for (const t of [...INVALID_JSON, ...NON_OBJECT, ""]) out.push(messages(t, "not-a-json-object"));
  // 5. Deep nesting, in content, tools, metadata and at the top.
  for (let i = 0; i < 60; i++) {
    const depth = rng.int(65, 20_000);
    const where = rng.pick(["content", "tool", "metadata", "top"] as const);
    const head = VALID_TEXT.slice(0, -1);
    const text =
      where === "content"
        ? `{"model": "claude-sonnet-4-6", "max_tokens": 16, "messages": [{"role": "user", "content": [{"type": "text", "text": "x", "extra": ${nested(depth)}}]}]}`
        : where === "tool"
          ? `${head}, "tools": [{"name": "t", "input_schema": ${nested(depth, "{}")}}]}`
          : where === "metadata"
            ? `${head}, "metadata": ${nested(depth)}}`
            : nested(depth, VALID_TEXT);
    out.push(messages(text, `deep:${where}`));
  }
  // 6. Prototype-pollution keys, anywhere.
  for (const at of ["top", "message", "block", "tool", "thinking"] as const) {
    const proto = '"__proto__": {"isAdmin": true, "role": "admin"}';
    const text =
      at === "top"
        ? `{${proto}, "model": "claude-sonnet-4-6", "max_tokens": 16, "messages": [{"role": "user", "content": "hi"}]}`
        : at === "message"
          ? `{"model": "claude-sonnet-4-6", "max_tokens": 16, "messages": [{${proto}, "role": "user", "content": "hi"}]}`
          : at === "block"
            ? `{"model": "claude-sonnet-4-6", "max_tokens": 16, "messages": [{"role": "user", "content": [{"type": "text", "text": "hi", ${proto}}]}]}`
            : at === "tool"
              ? `{"model": "claude-sonnet-4-6", "max_tokens": 16, "tools": [{"name": "t", "input_schema": {${proto}}}], "messages": [{"role": "user", "content": "hi"}]}`
              : `{"model": "claude-sonnet-4-6", "max_tokens": 16, "thinking": {"type": "enabled", ${proto}}, "messages": [{"role": "user", "content": "hi"}]}`;
    for (let i = 0; i < 8; i++) out.push(messages(text, `proto:${at}`));
  }
  // 7. Bad thinkgate and API headers on an otherwise valid request.
  const badHeaders: Record<string, string>[] = [
    { "thinkgate-tier": "reasonin" },
    { "thinkgate-tier": "REASON" },
    { "thinkgate-tier": "1" },
    { "thinkgate-budget-tier": "huge" },
    { "thinkgate-budget-tier": "max" },
    { "thinkgate-app": "a".repeat(201) },
    { "thinkgate-task": "t".repeat(500) },
    { "anthropic-version": "yesterday" },
    { "anthropic-version": "2023-6-1" },
    { "anthropic-version": "2023-06-01; drop table" },
  ];
  for (const h of badHeaders) for (let i = 0; i < 4; i++) out.push(messages(VALID, `header:${Object.keys(h)[0]}`, { headers: h }));
  // 8. Credentials: none, wrong, malformed (never recorded: nobody is known).
  for (let i = 0; i < 60; i++) {
    const auth = rng.pick(["none", `tg_${rng.int(0, 1e9)}`, "x".repeat(600), "Bearer", "tg_" + "a".repeat(rng.int(1, 40))]);
    out.push(messages(VALID, "auth", { auth }));
  }
  // 9. Oversize bodies (declared and streamed), just over and well over the limit.
  for (const size of [MAX_BODY + 1, MAX_BODY + 1_000, Math.floor(MAX_BODY * 1.5), MAX_BODY * 2 - 1_000]) {
    out.push(messages(JSON.stringify({ ...VALID, messages: [{ role: "user", content: "y".repeat(size) }] }), "oversize"));
  }
  // 10. Wrong methods on the API's paths.
  for (const method of ["GET", "PUT", "PATCH", "DELETE"]) {
    for (const path of ["/api/v1/messages", "/api/v1/messages/count_tokens", "/api/v1/route", "/api/keys/abc"]) {
      if (method === "DELETE" && path === "/api/keys/abc") continue; // a real route: a 404 for an unknown key, covered below
      out.push({ kind: `method:${method}`, method, path, body: method === "GET" ? undefined : VALID });
    }
  }
  // 11. count_tokens and /v1/route with hostile bodies.
  for (const b of genericHostile(rng)) {
    out.push({ kind: "count-hostile", method: "POST", path: "/api/v1/messages/count_tokens", body: b });
    out.push({ kind: "route-hostile", method: "POST", path: "/api/v1/route", body: b });
  }
  // 12. The admin and read APIs, with the admin key: hostile bodies, wrong values, bad queries and paths.
  const adminPosts: [string, string, unknown[]][] = [
    ["POST", "/api/rules", [{ rules: "x" }, { rules: [{}] }, { rules: [{ id: "a b", name: "n", then: { routeId: "standard" } }] }, { rules: [{ id: "r", name: "n", then: { routeId: "standard" }, escalate: { answerPattern: "(a)\\1" } }] }, { rules: [{ id: "r", name: "n", then: { routeId: "standard" }, escalate: { answerPattern: "(a" } }] }, { rules: [{ id: "r", name: "n", then: { routeId: "standard" }, escalate: { answerPattern: "(?=x)y" } }] }, { rules: [], note: 5 }, { rules: [], extra: 1 }]],
    ["POST", "/api/rules/test", [{ rules: [], prompt: 5 }, { rules: [{}], prompt: "p" }, { prompt: "x".repeat(10) }]],
    ["POST", "/api/rules/rollback", [{ version: 0 }, { version: "1" }, { version: 99_999 }]],
    ["POST", "/api/keys", [{ name: "", role: "admin" }, { name: "k", role: "god" }, { name: 5, role: "viewer" }, { name: "k".repeat(101), role: "viewer" }]],
    [
      "POST",
      "/api/prices",
      [
        { model: 5 },
        { model: "m", input: -1 },
        { model: "m", input: "cheap" },
        // Dates a database cannot store (they were 500s) or nobody meant (they were stored as 1970).
        ...["+010000-01-01T00:00:00Z", "-000001-01-01T00:00:00Z", 8.64e15, true, null].map((effectiveFrom) => ({ model: "m", effectiveFrom, input: 1, cacheWrite5m: 1, cacheWrite1h: 1, cacheRead: 1, output: 1 })),
      ],
    ],
    ["PUT", "/api/settings", [{ threshold: "high" }, { threshold: 5 }, { classifier: "on" }, [1, 2]]],
    // A lone surrogate in a name: JSON allows the escape, the database column did not (a 500).
    ["PUT", "/api/routes/standard", [{ model: 5 }, { thinking: "maybe" }, { budgetTokens: -1 }, { name: "a\ud800b", tier: "standard", model: "claude-sonnet-4-6", thinking: "off" }]],
    ["PUT", "/api/apps/fuzz-app", [{ tier: "sometimes" }, { tier: 5 }, { routeId: 5 }]],
    ["POST", "/api/users", [{ email: "not-an-email", password: "x" }, { email: 5 }, { email: "a@b.c", password: "short", role: "god" }]],
    ["POST", "/api/v1/signals", [{ text: 5 }, { text: null }, {}]],
    ["POST", "/api/playground/run", [{ prompt: 5 }, { prompt: "" }, { prompt: "x", tier: "bogus" }]],
    ["PUT", "/api/settings/traces", [{ sampleRate: 5 }, { sampleRate: "all" }, { patterns: "x" }]],
  ];
  for (const [method, path, bodies] of adminPosts) {
    for (const b of [...bodies, ...genericHostile(rng)]) out.push({ kind: `admin:${method} ${path}`, method, path, body: b as Payload["body"] });
  }
  const badGets = [
    "/api/requests?limit=abc",
    "/api/requests?limit=-5",
    "/api/requests?limit=100000",
    `/api/requests?cursor=${"c".repeat(500)}`,
    "/api/requests/%zz",
    "/api/requests/%E0%A4%A",
    "/api/requests/req_does_not_exist",
    "/api/traces/%zz",
    "/api/traces/nope",
    "/api/rules/versions/abc",
    "/api/rules/versions/999999",
    "/api/rules/history?limit=0",
    "/api/costs/summary?from=yesterday",
    "/api/costs/summary?from=2026-13-45&to=x",
    "/api/traces/patterns?from=%2B010000-01-01T00:00:00Z",
    "/api/traces/patterns?to=8640000000000000",
    "/api/v1/models/%zz",
  ];
  for (const path of badGets) for (let i = 0; i < 3; i++) out.push({ kind: "admin:GET", method: "GET", path });
  // 13. The relayed endpoints, Message Batches and Files: hostile bodies, hostile items, broken uploads, ids that are no ids.
  for (const b of genericHostile(rng)) out.push({ kind: "batch-hostile", method: "POST", path: "/api/v1/messages/batches", body: b });
  const item = (params: unknown, customId: unknown = "a") => ({ custom_id: customId, params });
  const batchBodies: unknown[] = [
    {},
    { requests: [] },
    { requests: "x" },
    { requests: [null] },
    { requests: [item(VALID, "bad id!")] },
    { requests: [item(VALID, "")] },
    { requests: [item(VALID, "a".repeat(65))] },
    { requests: [item(VALID), item(VALID)] },
    { requests: [item(VALID, 5)] },
    { requests: [item(null)] },
    { requests: [item({ ...VALID, messages: [] })] },
    { requests: [item({ ...VALID, stream: true })] },
    { requests: [item({ ...VALID, max_tokens: "many" })] },
  ];
  for (const [field, values] of Object.entries(WRONG)) for (const v of values.slice(0, 2)) batchBodies.push({ requests: [item(withField(field, v))] });
  for (const b of batchBodies) out.push({ kind: "batch-item", method: "POST", path: "/api/v1/messages/batches", body: b as Payload["body"] });
  const boundary = "----fuzz0123";
  const uploads: [string, string | Uint8Array][] = [
    ["multipart/form-data", "no boundary"],
    [`multipart/form-data; boundary=${boundary}`, ""],
    [`multipart/form-data; boundary=${boundary}`, "garbage with no parts"],
    [`multipart/form-data; boundary=${boundary}`, `--${boundary}\r\nContent-Disposition: form-data; name="other"\r\n\r\nx\r\n--${boundary}--\r\n`],
    [`multipart/form-data; boundary=${boundary}`, `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\ntruncated`],
    [`multipart/form-data; boundary=${boundary}`, randomBytes(rng, 500, true)],
    ["application/json", JSON.stringify({ file: "x" })],
    ["text/plain", "x"],
  ];
  for (const [type, body] of uploads) out.push({ kind: "file-upload", method: "POST", path: "/api/v1/files", headers: { "content-type": type }, body });
  for (const id of ["%zz", "..", "../keys", "file_" + "x".repeat(300), "a%2Fb", "%00", "file_does_not_exist"]) {
    out.push({ kind: "file-id", method: "GET", path: `/api/v1/files/${id}` });
    out.push({ kind: "file-id", method: "GET", path: `/api/v1/files/${id}/content` });
    out.push({ kind: "file-id", method: "DELETE", path: `/api/v1/files/${id}` });
    out.push({ kind: "batch-id", method: "GET", path: `/api/v1/messages/batches/${id}` });
    out.push({ kind: "batch-id", method: "GET", path: `/api/v1/messages/batches/${id}/results` });
    out.push({ kind: "batch-id", method: "POST", path: `/api/v1/messages/batches/${id}/cancel` });
  }
  for (const q of ["limit=0", "limit=1001", "limit=abc", "page=%zz", "page=file_unknown", "ids=a&page=b"]) out.push({ kind: "list-query", method: "GET", path: `/api/v1/files?${q}` });
  for (const q of ["limit=0", "limit=1001", "limit=abc", "before_id=x&after_id=y"]) out.push({ kind: "list-query", method: "GET", path: `/api/v1/messages/batches?${q}` });
  // 14. The OpenAI-compatible endpoints (answered in OpenAI's error shape): hostile bodies and wrong values.
  const chat = { model: "claude-sonnet-4-6", messages: [{ role: "user", content: "hi" }] };
  const chatWrong: Record<string, unknown>[] = [
    { model: 5 }, { model: "" }, { messages: "hi" }, { messages: [] }, { messages: [{ role: "bogus", content: "x" }] }, { messages: [{ role: "user", content: 5 }] },
    { messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "ftp://x" } }] }] }, { messages: [{ role: "tool", content: "x" }] },
    { max_tokens: -1 }, { max_completion_tokens: "many" }, { stream: "yes" }, { tools: "x" }, { tools: [{ type: "function" }] }, { tool_choice: 5 },
    { tool_choice: { type: "function", function: { name: "nope" } } }, { response_format: { type: "nonsense" } }, { reasoning_effort: "huge" }, { n: 3 }, { stop: 5 }, { temperature: "hot" },
  ];
  const responsesWrong: Record<string, unknown>[] = [
    { input: 5 }, { input: [] }, { input: [{ type: "bogus" }] }, { input: [{ role: "user", content: [{ type: "input_image" }] }] }, { model: 5 }, { reasoning: { effort: "huge" } },
    { tools: [{ type: "function" }] }, { max_output_tokens: -5 }, { previous_response_id: 5 }, { previous_response_id: "resp_unknown" }, { text: { format: { type: "nonsense" } } }, { stream: "yes" },
  ];
  for (const b of [...chatWrong.map((w) => ({ ...chat, ...w })), ...genericHostile(rng)]) out.push({ kind: "openai-chat", method: "POST", path: "/api/v1/chat/completions", body: b as Payload["body"] });
  for (const b of [...responsesWrong.map((w) => ({ model: "claude-sonnet-4-6", input: "hi", ...w })), ...genericHostile(rng)]) out.push({ kind: "openai-responses", method: "POST", path: "/api/v1/responses", body: b as Payload["body"] });
  return out;
}

interface Outcome {
  payload: Payload;
  status: number;
  body: string;
  error?: string;
}

async function send(p: Payload): Promise<Outcome> {
  // The version SDK 1.x sends: on it temperature, top_p and top_k are removed fields (a 400).
  const headers: Record<string, string> = { "content-type": "application/json", "anthropic-version": "2026-10-21", ...p.headers };
  if (p.auth === undefined) headers["x-api-key"] = server.adminKey;
  else if (p.auth !== "none") headers.authorization = `Bearer ${p.auth}`;
  const body = (p.body === undefined ? undefined : typeof p.body === "string" || p.body instanceof Uint8Array ? p.body : JSON.stringify(p.body)) as BodyInit | undefined;
  try {
    const res = await fetch(server.url + p.path, { method: p.method, headers, body, signal: AbortSignal.timeout(30_000) });
    return { payload: p, status: res.status, body: await res.text() };
  } catch (err) {
    return { payload: p, status: 0, body: "", error: `${(err as Error).message}: ${String((err as { cause?: unknown }).cause ?? "")}` };
  }
}

/** OpenAI's error shape, which its SDKs read on the OpenAI-compatible endpoints. */
function inOpenAIShape(text: string): boolean {
  try {
    const v = JSON.parse(text) as { type?: unknown; error?: { type?: unknown; message?: unknown; param?: unknown; code?: unknown } };
    const e = v.error;
    return v.type === undefined && typeof e?.type === "string" && typeof e.message === "string" && e.message.length > 0 && "param" in e && "code" in e;
  } catch {
    return false;
  }
}

function inApiShape(text: string): boolean {
  try {
    const v = JSON.parse(text) as { type?: unknown; error?: { type?: unknown; message?: unknown } };
    return v.type === "error" && typeof v.error?.type === "string" && typeof v.error.message === "string" && v.error.message.length > 0;
  } catch {
    return false;
  }
}

describe(`fuzz (${process.env.THINKGATE_TEST_DB ?? "sqlite"})`, () => {
  it("answers thousands of malformed or hostile requests with a 4xx in the API's shape, stays up and records no success", async () => {
    const payloads = generate();
    expect(payloads.length).toBeGreaterThanOrEqual(2_000);

    const outcomes: Outcome[] = [];
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < payloads.length) outcomes.push(await send(payloads[next++]!));
      }),
    );

    // One line per kind of failure, with a sample: thousands of identical lines say less.
    const by = (list: Outcome[]) => {
      const groups = new Map<string, { n: number; sample: string }>();
      for (const o of list) {
        const key = `${o.payload.kind} ${o.payload.method} ${o.payload.path} → ${o.status || o.error}`;
        const g = groups.get(key) ?? { n: 0, sample: `${o.body.slice(0, 160)} ← ${String(o.payload.body instanceof Uint8Array ? "<bytes>" : typeof o.payload.body === "string" ? o.payload.body : JSON.stringify(o.payload.body)).slice(0, 160)}` };
        g.n++;
        groups.set(key, g);
      }
      return [...groups].map(([k, g]) => `${g.n}× ${k}: ${g.sample}`);
    };
    const fourxx = outcomes.filter((o) => o.status >= 400 && o.status < 500);
    const fivexx = outcomes.filter((o) => o.status >= 500);
    const other = outcomes.filter((o) => o.status < 400);
    process.stdout.write(`fuzz: ${outcomes.length} payloads, 4xx ${fourxx.length}, 5xx ${fivexx.length}, other ${other.length} (seed ${SEED}, ${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
    expect(by(fivexx)).toEqual([]);
    expect(by(other)).toEqual([]);
    const openAiPath = (p: Payload) => p.path.startsWith("/api/v1/chat/") || p.path.startsWith("/api/v1/responses");
    expect(by(fourxx.filter((o) => !(openAiPath(o.payload) ? inOpenAIShape(o.body) : inApiShape(o.body))))).toEqual([]);
    // The statuses that say what went wrong, each seen (the generator covers them all).
    const statuses = new Set(fourxx.map((o) => o.status));
    for (const s of [400, 401, 404, 405, 413]) expect(statuses, `status ${s}`).toContain(s);

    // Still up, still serving, and nothing recorded as a success. The simulator's thread too: a hostile upload once ended it.
    expect(server.proc.exitCode).toBeNull();
    expect(server.output()).not.toMatch(/simulator thread ended/);
    const health = await fetch(`${server.url}/api/health`);
    expect(health.status).toBe(200);
    // Failures of authenticated requests are recorded; wait until the recorder has written them, then count.
    const counts = await eventually(async () => {
      const c = await recordCounts(server);
      return (c.error ?? 0) > 0 ? c : undefined;
    });
    expect(counts.ok ?? 0).toBe(0);
    expect(counts.partial ?? 0).toBe(0);
  }, 180_000);
});
