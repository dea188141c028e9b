/**
 * `npm run demo`: sends the shipped sample prompts through a running
 * thinkgate with the official SDK, the real request path, so the dashboards
 * have traffic to show.
 *
 *   npm run demo -- [--url http://127.0.0.1:3000] [--key tg_...] [--rounds 1] [--concurrency 6]
 * The key can also come from THINKGATE_KEY.
 */
import Anthropic from "@anthropic-ai/sdk";
import { DEMO_PROMPTS } from "../lib/demo/prompts";

function arg(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

async function main(): Promise<void> {
  const url = arg("url", process.env.THINKGATE_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`)!;
  const key = arg("key", process.env.THINKGATE_KEY);
  const rounds = Number(arg("rounds", "1"));
  const concurrency = Math.max(1, Number(arg("concurrency", "6")));
  if (!key) {
    console.error("A thinkgate key is needed: npm run demo -- --key tg_... (or THINKGATE_KEY). The admin key was printed at first start.");
    process.exit(2);
  }
  const client = new Anthropic({ baseURL: `${url}/api`, apiKey: key, maxRetries: 1 });
  let ok = 0;
  let failed = 0;
  const jobs = Array.from({ length: rounds }, () => DEMO_PROMPTS.entries()).flatMap((it) => [...it]);
  const send = async ([i, p]: [number, (typeof DEMO_PROMPTS)[number]]) => {
    const headers: Record<string, string> = {};
    if (p.task) headers["thinkgate-task"] = p.task;
    if (p.app) headers["thinkgate-app"] = p.app;
    if (p.tier) headers["thinkgate-tier"] = p.tier;
    const params = {
      model: "claude-sonnet-4-6",
      max_tokens: 1024,
      ...(p.system ? { system: p.system } : {}),
      messages: [{ role: "user" as const, content: p.prompt }],
    };
    try {
      // Every third request streams, as real traffic mixes both.
      const res =
        i % 3 === 0
          ? await client.messages.stream(params, { headers }).withResponse().then(async (r) => ({ response: r.response, msg: await r.data.finalMessage() }))
          : await client.messages.create(params, { headers }).withResponse().then((r) => ({ response: r.response, msg: r.data }));
      ok++;
      const h = res.response.headers;
      console.log(`${h.get("thinkgate-tier")?.padEnd(9)} ${h.get("thinkgate-stage")?.padEnd(10)} ${res.msg.model.padEnd(18)} ${p.prompt.slice(0, 60).replace(/\s+/g, " ")}`);
    } catch (err) {
      failed++;
      console.error(`failed: ${(err as Error).message}`);
    }
  };
  // A few requests in flight at once, as an app would send them.
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let job = jobs.shift(); job; job = jobs.shift()) await send(job);
    }),
  );
  console.log(`\n${ok} requests sent, ${failed} failed. Open ${url} to see them.`);
  if (failed) process.exit(1);
}

void main();
