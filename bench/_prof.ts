import { fork } from "node:child_process";
import { SERVER_BUNDLE } from "../scripts/build-server.mjs";
import { heapFlags, serverEnv } from "../scripts/heap.mjs";
import { freshDatabase } from "../tests/support/server";
import { startSimulator } from "../tests/support/simulator";
import { Browser } from "../tests/support/browser";
(async () => {
  const sim = await startSimulator();
  const db = await freshDatabase("sqlite");
  const adminKey = "tg_test_profprofprofprofprof";
  const proc = fork(SERVER_BUNDLE, [], { execArgv: [...heapFlags(), "--cpu-prof", "--cpu-prof-dir=/tmp/prof"], env: { ...process.env, ...serverEnv(), NODE_ENV: "production", PORT: "0", HOST: "127.0.0.1", DATABASE_URL: db.url, THINKGATE_BOOTSTRAP_KEY: adminKey, THINKGATE_NEXT: "off", THINKGATE_SPOOL_DIR: "/tmp/prof-spool", ANTHROPIC_API_KEY: "sk-ant-x", ANTHROPIC_BASE_URL: sim.baseURL, THINKGATE_ADMIN_EMAIL: "admin@example.com", THINKGATE_ADMIN_PASSWORD: "correct-horse-battery", LOG_LEVEL: "warn" }, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const port = await new Promise<number>((r) => proc.on("message", (m: any) => m.ready && r(m.port)));
  const url = `http://127.0.0.1:${port}`;
  const admin = new Browser(url);
  await admin.login("admin@example.com", "correct-horse-battery");
  const rules = Array.from({ length: 50 }, (_, r) => ({ id: `r${r}`, name: `Rule ${r}`, when: { promptContains: Array.from({ length: 20 }, (_, p) => `needle ${r} phrase ${p}`) }, then: { routeId: "reasoning" } }));
  console.log((await admin.post("/api/rules", { rules, note: "x" })).status);
  const unit = "The quick brown fox reviews the incident timeline and writes down what it found. ";
  const prompt = unit.repeat(Math.ceil(16_000_000 / unit.length)) + " needle 49 phrase 19.";
  const body = JSON.stringify({ model: "claude-sonnet-4-6", max_tokens: 64, messages: [{ role: "user", content: prompt }] });
  let done = false; let worst = 0; const lat: number[] = [];
  const req = fetch(`${url}/api/v1/messages`, { method: "POST", headers: { "content-type": "application/json", "x-api-key": adminKey }, body }).then(async (r) => { console.log(r.status); await r.text(); done = true; });
  while (!done) { const t = performance.now(); await (await fetch(`${url}/api/health`)).text(); const d = performance.now() - t; lat.push(d); worst = Math.max(worst, d); }
  await req;
  console.log("worst", worst.toFixed(1), "polls", lat.length, "over 50ms:", lat.filter((x) => x > 50).map((x) => x.toFixed(0)).join(","));
  await new Promise((r) => setTimeout(r, 1000));
  proc.kill("SIGTERM"); await new Promise((r) => proc.once("exit", r));
  await sim.stop(); await db.drop();
})();
