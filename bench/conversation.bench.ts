/**
 * What recognising a conversation adds to a request, in milliseconds: the
 * work the gateway does before routing a Claude-Code-shaped request (a
 * system prompt, 24 tools, a 40-message tool loop with reminders and cache
 * markers):
 *
 *   - conversation.fingerprint: the normalised turn and conversation keys
 *     and the user's own text (lib/routing/conversation.ts);
 *   - conversation.lookup.cached: fingerprint + the turn pin and the
 *     held-back-thinking lookup, answered from the instance's memory (every
 *     call of a loop after its first, on the instance that served it);
 *   - conversation.lookup.db: the same, answered by the database (a loop
 *     continued on another instance, or after a restart): SQLite, migrated
 *     in a temporary file.
 *
 *   npx tsx bench/conversation.bench.ts      prints p50 / p99 / max
 *   npx tsx bench/run.ts --only conversation
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { disconnectDb } from "../lib/db/client";
import { migrate } from "../lib/db/migrate";
import { pinsRepo } from "../lib/db/pins.repo";
import { restoreHeld } from "../lib/gateway/hidden-thinking";
import { pinStore } from "../lib/gateway/pins";
import { conversationShape } from "../lib/routing/conversation";
import { turnPinKey } from "../lib/routing/pipeline";
import type { MessagesBody } from "../lib/routing/request";

const RUNS = 2000;
const QUICK_RUNS = 400;
const WARMUP = 200;
const ROUND = 200;

/** Call `calls` of a Claude-Code-shaped tool loop, for conversation `n`. */
export function agentRequest(n: number, calls: number): MessagesBody {
  const tools = Array.from({ length: 24 }, (_, i) => ({
    name: `Tool${i}`,
    description: `Tool number ${i}: ${"does a useful thing with files and shells. ".repeat(8)}`,
    input_schema: { type: "object", properties: { path: { type: "string" }, pattern: { type: "string" } } },
  }));
  const reminder = (k: number) => ({ type: "text", text: `<system-reminder>\nContext ${k}: ${"the todo list and the files the user has open. ".repeat(6)}\n</system-reminder>` });
  const messages: MessagesBody["messages"] = [{ role: "user", content: [reminder(0), { type: "text", text: `Conversation ${n}: fix the failing test in parser.ts and explain the cause.` }] }];
  for (let i = 1; i < calls; i++) {
    messages.push({ role: "assistant", content: [{ type: "text", text: "Reading the file." }, { type: "tool_use", id: `toolu_${n}_${i}`, name: "Tool0", input: { path: `src/file${i}.ts` } }] });
    messages.push({ role: "user", content: [{ type: "tool_result", tool_use_id: `toolu_${n}_${i}`, content: "x".repeat(2000) }, reminder(i)] });
  }
  const last = messages[messages.length - 1]!.content as Record<string, unknown>[];
  last[0]!.cache_control = { type: "ephemeral" };
  return {
    model: "claude-opus-4-8",
    max_tokens: 32000,
    system: [
      { type: "text", text: `x-anthropic-billing-header: cc_version=2.1.3.${n}; cc_entrypoint=cli;` },
      { type: "text", text: "You are Claude Code. ".repeat(200), cache_control: { type: "ephemeral" } },
    ],
    tools,
    thinking: undefined,
    messages,
  };
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function lookup(body: MessagesBody, scope: string): Promise<void> {
  const shape = await conversationShape(body, scope);
  await pinStore.get(turnPinKey(shape.turnKey));
  await restoreHeld(body, scope);
}

export async function benchConversation(opts?: { quick?: boolean }): Promise<{ name: string; unit: string; samples: number[] }[]> {
  const runs = opts?.quick ? QUICK_RUNS : RUNS;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "thinkgate-conv-bench-"));
  const url = `file:${path.join(dir, "bench.db")}`;
  const previousUrl = process.env.DATABASE_URL;
  process.env.DATABASE_URL = url;
  try {
    await migrate(url);
    // Stored pins the database answers from: one per conversation.
    const bodies = Array.from({ length: 64 }, (_, n) => agentRequest(n, 20));
    const shapes = await Promise.all(bodies.map((b) => conversationShape(b, "key")));
    await pinsRepo.putMany(bodies.map((b, n) => ({ key: turnPinKey(shapes[n]!.turnKey), routeId: "reasoning", model: "claude-opus-4-8", config: JSON.stringify({ thinking: { type: "adaptive" }, effort: `high-${n}` }) })));
    // Through JSON, as a request body arrives.
    const wire = bodies.map((b) => JSON.stringify(b));
    const parse = (i: number) => JSON.parse(wire[i % wire.length]!) as MessagesBody;

    const out: { name: string; unit: string; samples: number[] }[] = [];
    const time = async (name: string, fn: (i: number) => unknown, n = runs) => {
      for (let i = 0; i < WARMUP; i++) await fn(i);
      const samples: number[] = [];
      const cpu: number[] = [];
      for (let i = 0; i < n; i++) {
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        await fn(i);
        samples.push(performance.now() - t0);
        const c = process.cpuUsage(c0);
        cpu.push((c.user + c.system) / 1000);
      }
      out.push({ name, unit: "ms", samples });
      // CPU time of the same calls: on a loaded machine the wall-clock tail is mostly the OS running other processes.
      out.push({ name: `${name}.cpu`, unit: "ms", samples: cpu });
      // bench/run.ts reports medians: one p99 per round of ROUND calls makes its median a p99.
      const p99s: number[] = [];
      for (let i = 0; i + ROUND <= samples.length; i += ROUND) p99s.push(quantile([...samples.slice(i, i + ROUND)].sort((a, b) => a - b), 0.99));
      out.push({ name: `${name}.p99`, unit: `ms (p99 per round of ${ROUND})`, samples: p99s });
    };
    const parsed = Array.from({ length: wire.length }, (_, i) => parse(i));
    await time("conversation.fingerprint.40_messages", (i) => conversationShape(parsed[i % parsed.length]!, "key"));
    // The same requests again: the pins and the held-back lookups are in memory now.
    await time("conversation.lookup.cached", (i) => lookup(parsed[i % parsed.length]!, "key"));
    // Requests of scopes never seen on this instance: each lookup goes to the database.
    let fresh = 0;
    await time("conversation.lookup.db", () => lookup(parsed[fresh % parsed.length]!, `scope-${fresh++}`), Math.min(runs, 1000));
    return out;
  } finally {
    await disconnectDb().catch(() => undefined);
    if (previousUrl === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = previousUrl;
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  void benchConversation().then((figures) => {
    for (const r of figures) {
      const s = [...r.samples].sort((a, b) => a - b);
      process.stdout.write(`${r.name}: n=${s.length} p50 ${quantile(s, 0.5).toFixed(3)} ${r.unit}, p99 ${quantile(s, 0.99).toFixed(3)} ${r.unit}, max ${s[s.length - 1]!.toFixed(3)} ${r.unit}\n`);
    }
  });
}
