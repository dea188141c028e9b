/**
 * Configuration as code end to end: a real thinkgate process, its export,
 * a change made to the file as a person would make it, the import (dry run,
 * then for real), and the gateway routing by the imported rules. A bad file
 * changes nothing and says where it is wrong, over the API and in the CLI.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { queryDb, withDb } from "../support/db";
import { startServer, type TestServer } from "../support/server";

let server: TestServer;
let dir: string;

type Doc = {
  version: number;
  settings: { tierRoutes: Record<string, string>; defaultRouteId: string; classifierThreshold: number | null };
  routes: Record<string, unknown>[];
  rules: Record<string, unknown>[];
  apps: { name: string }[];
  prices: { model: string; effectiveFrom: string; input: number }[];
};

function call(method: string, route: string, body?: string, headers: Record<string, string> = {}, key = server.adminKey) {
  return fetch(`${server.url}${route}`, { method, headers: { "x-api-key": key, ...headers }, body });
}

async function exported(format: "yaml" | "json" = "yaml"): Promise<string> {
  const res = await call("GET", `/api/config/export?format=${format}`);
  expect(res.status).toBe(200);
  return res.text();
}

beforeAll(async () => {
  server = await startServer();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "thinkgate-config-"));
});

afterAll(async () => {
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe(`configuration as code (${process.env.THINKGATE_TEST_DB ?? "sqlite"})`, () => {
  it("exports YAML that imports back as no change, and exports again byte for byte (also as JSON)", async () => {
    const res = await call("GET", "/api/config/export");
    expect(res.headers.get("content-type")).toContain("application/yaml");
    expect(res.headers.get("content-disposition")).toContain("thinkgate-config.yaml");
    const yaml = await res.text();
    const doc = YAML.parse(yaml) as Doc;
    expect(doc.version).toBe(1);
    expect(Object.keys(doc)).toEqual(["version", "settings", "routes", "rules", "apps", "prices"]);
    expect(doc.routes.map((r) => r.id)).toContain("standard");
    expect(doc.rules.map((r) => r.id)).toEqual(["reasoning-tasks", "standard-tasks"]);
    expect(doc.prices.length).toBeGreaterThan(5);
    expect(yaml).not.toMatch(/createdAt|updatedAt|"?id"?: c[a-z0-9]{20,}/);

    const again = await call("POST", "/api/config/import?file=same.yaml", yaml);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ applied: false, ruleSetVersion: null, diff: { empty: true } });
    expect(await exported()).toBe(yaml);

    const json = await exported("json");
    expect(JSON.parse(json)).toEqual(doc);
    const fromJson = await call("POST", "/api/config/validate", json, { "content-type": "application/json" });
    expect(fromJson.status).toBe(200);
    expect(await fromJson.json()).toMatchObject({ valid: true, diff: { empty: true } });
  });

  it("imports a changed file atomically as a new rules version, and routing follows it", async () => {
    const before = await exported();
    const doc = YAML.parse(before) as Doc;
    doc.routes.push({
      id: "deep-review",
      name: "Deep review",
      tier: "reasoning",
      model: "claude-opus-4-7",
      thinking: "on",
      budgetTier: "maximum",
      display: "summarized",
    });
    doc.rules.unshift({ id: "triage", name: "Triage goes deep", when: { tasks: ["triage"] }, then: { routeId: "deep-review" } });
    doc.apps = doc.apps.filter((a) => a.name !== "faq-bot");
    const opus = doc.prices.find((p) => p.model === "claude-opus-4-7")!;
    opus.input = 4.5;
    const text = YAML.stringify(doc);

    // A dry run says what would change and changes nothing.
    const dry = await call("POST", "/api/config/import?dryRun=1&file=team.yaml", text, { "content-type": "application/yaml" });
    expect(dry.status).toBe(200);
    const planned = (await dry.json()) as { applied: boolean; diff: Record<string, { added: string[]; changed: string[]; removed: string[] }>; summary: string[] };
    expect(planned.applied).toBe(false);
    expect(planned.diff.routes).toEqual({ added: ["deep-review"], changed: [], removed: [] });
    expect(planned.diff.rules!.added).toEqual(["triage"]);
    expect(planned.diff.apps!.removed).toEqual(["faq-bot"]);
    expect(planned.diff.prices!.changed).toEqual([`claude-opus-4-7@${opus.effectiveFrom}`]);
    expect(planned.summary.join("\n")).toContain("routes: +1 added (deep-review)");
    expect(await exported()).toBe(before);

    const versionBefore = ((await (await call("GET", "/api/rules")).json()) as { version: number }).version;
    const res = await call("POST", "/api/config/import?file=team.yaml", text, { "content-type": "application/yaml" });
    expect(res.status).toBe(200);
    const result = (await res.json()) as { applied: boolean; ruleSetVersion: number };
    expect(result).toMatchObject({ applied: true, ruleSetVersion: versionBefore + 1 });

    const rules = (await (await call("GET", "/api/rules")).json()) as { version: number; note: string; rules: { id: string }[] };
    expect(rules.version).toBe(versionBefore + 1);
    expect(rules.note).toBe("imported from team.yaml");
    expect(rules.rules[0]!.id).toBe("triage");
    const apps = (await (await call("GET", "/api/apps")).json()) as { data: { name: string }[] };
    expect(apps.data.map((a) => a.name)).toEqual(["legal-review"]);
    const prices = (await (await call("GET", "/api/prices")).json()) as { data: { model: string; input: number }[] };
    expect(prices.data.filter((p) => p.model === "claude-opus-4-7").map((p) => p.input)).toContain(4.5);

    // The gateway routes by the imported rule at once.
    const msg = await call(
      "POST",
      "/api/v1/messages",
      JSON.stringify({ model: "claude-sonnet-4-6", max_tokens: 256, messages: [{ role: "user", content: "Triage this incident: the login page times out." }] }),
      { "content-type": "application/json", "thinkgate-task": "triage" },
    );
    expect(msg.status).toBe(200);
    expect(msg.headers.get("thinkgate-route")).toBe("deep-review");
    expect(msg.headers.get("thinkgate-stage")).toBe("rule");

    // What was imported is what is exported; exporting that again imports as no change.
    const after = await exported();
    const reparsed = YAML.parse(after) as Doc;
    expect(reparsed.routes.find((r) => r.id === "deep-review")).toMatchObject({ budgetTokens: null, effort: null, fallbackRouteIds: [] });
    const noop = await call("POST", "/api/config/import?file=after.yaml", after);
    expect(await noop.json()).toMatchObject({ applied: false, diff: { empty: true } });
    expect(await exported()).toBe(after);
  });

  it("rejects an invalid file with a 400 naming each problem's path, and changes nothing", async () => {
    const before = await exported();
    const doc = YAML.parse(before) as Doc;
    doc.rules[0]!.then = { routeId: "no-such-route" };
    doc.settings.tierRoutes.reasoning = "standard";
    (doc.routes.find((r) => r.id === "standard") as Record<string, unknown>).thinking = "sometimes";
    const res = await call("POST", "/api/config/import?file=bad.yaml", YAML.stringify(doc));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { type: string; message: string; issues: { path: string; message: string }[] } };
    expect(body.error.type).toBe("invalid_request_error");
    expect(body.error.message).toContain("rules[0].then.routeId: route \"no-such-route\" does not exist");
    const idx = doc.routes.findIndex((r) => r.id === "standard");
    expect(body.error.issues.map((i) => i.path)).toEqual(expect.arrayContaining([`routes[${idx}].thinking`, "rules[0].then.routeId"]));

    // With the route fixed, the references are checked too: a tier's route must be of that tier.
    (doc.routes.find((r) => r.id === "standard") as Record<string, unknown>).thinking = "off";
    const refs = await call("POST", "/api/config/validate", YAML.stringify(doc));
    expect(refs.status).toBe(400);
    const refBody = (await refs.json()) as { error: { message: string } };
    expect(refBody.error.message).toContain('settings.tierRoutes.reasoning: route "standard" is a standard route');

    const syntax = await call("POST", "/api/config/import", "version: 1\nroutes: [\n");
    expect(syntax.status).toBe(400);
    expect(((await syntax.json()) as { error: { message: string } }).error.message).toMatch(/not valid YAML: .*line 3/);

    expect(await exported()).toBe(before);
  });

  it("refuses '.' and '..' as an app's name or a route's id (a URL path resolves them to another path), naming each", async () => {
    const doc = YAML.parse(await exported()) as Doc;
    doc.apps.push({ name: "..", tier: "auto" } as Doc["apps"][number]);
    doc.routes.push({ ...doc.routes[0], id: "." });
    const res = await call("POST", "/api/config/import?file=dots.yaml", YAML.stringify(doc));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { type: string; error: { type: string; message: string; issues: { path: string; message: string }[] } };
    expect(body).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
    expect(body.error.issues).toEqual(
      expect.arrayContaining([
        { path: `apps[${doc.apps.length - 1}].name`, message: expect.stringMatching(/^'\.' and '\.\.' are not names/) },
        { path: `routes[${doc.routes.length - 1}].id`, message: expect.stringMatching(/^'\.' and '\.\.' are not names/) },
      ]),
    );
    expect(body.error.message).toContain(`apps[${doc.apps.length - 1}].name: '.' and '..' are not names`);
  });

  it("refuses hostile YAML (an alias bomb, deep nesting, an alias inside its own anchor) with a 400, and keeps serving at once", async () => {
    const before = await exported();
    // "Billion laughs": each anchor repeats the one before nine times; 9 levels stand for 387,420,489 strings.
    const names = "abcdefghi";
    const bomb = [
      `version: 1`,
      `a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]`,
      ...names.slice(1).split("").map((n, i) => `${n}: &${n} [${Array(9).fill(`*${names[i]}`).join(", ")}]`),
    ].join("\n");
    const cases: [string, string, RegExp][] = [
      ["an alias bomb", bomb, /not valid YAML: its aliases expand to more than 100 copies/],
      // The yaml package composes by recursion: nesting this deep runs it out of stack, which V8 does not always survive.
      ["deep brackets", `version: 1\nroutes: ${"[".repeat(20_000)}${"]".repeat(20_000)}`, /brackets nest more than 64 levels/],
      ["deep compact sequences", `version: 1\nroutes:\n${"- ".repeat(5_000)}x`, /a line starts more than 64 columns in/],
      ["an alias inside its own anchor", "version: 1\nroutes: &r [*r]", /nests more than 64 levels deep \(or a YAML alias refers to a node that contains it\)/],
    ];
    for (let round = 0; round < 3; round++) {
      for (const [what, text, message] of cases) {
        for (const route of ["/api/config/validate", "/api/config/import"]) {
          const started = Date.now();
          const res = await call("POST", route, text, { "content-type": "application/yaml" });
          expect(res.status, `${what} on ${route}`).toBe(400);
          const body = (await res.json()) as { type: string; error: { type: string; message: string } };
          expect(body.type).toBe("error");
          expect(body.error.type).toBe("invalid_request_error");
          expect(body.error.message, what).toMatch(message);
          expect(Date.now() - started, `${what} on ${route} took long`).toBeLessThan(2_000);
          // Still serving, at once.
          const health = Date.now();
          expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
          expect(Date.now() - health).toBeLessThan(500);
        }
      }
    }
    expect(await exported()).toBe(before);
  });

  it("lets viewers export and validate but only admins import", async () => {
    const created = await call("POST", "/api/keys", JSON.stringify({ name: "reader", role: "viewer" }), { "content-type": "application/json" });
    const { secret } = (await created.json()) as { secret: string };
    const yaml = await exported();
    expect((await call("GET", "/api/config/export", undefined, {}, secret)).status).toBe(200);
    expect((await call("POST", "/api/config/validate", yaml, {}, secret)).status).toBe(200);
    const denied = await call("POST", "/api/config/import", yaml, {}, secret);
    expect(denied.status).toBe(403);
  });

  it("CLI: validate reports a bad file with its paths and a non-zero exit, locally and against a server; a good file passes", async () => {
    const good = path.join(dir, "good.yaml");
    const bad = path.join(dir, "bad.json");
    const yaml = await exported();
    fs.writeFileSync(good, yaml);
    const doc = YAML.parse(yaml) as Doc;
    doc.rules[1]!.then = { routeId: "gone" };
    fs.writeFileSync(bad, JSON.stringify(doc, null, 2));
    const run = (...args: string[]) =>
      promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/config.ts", ...args], { cwd: path.resolve(__dirname, "../..") }).then(
        (r) => ({ code: 0, out: r.stdout, err: r.stderr }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout, err: e.stderr }),
      );
    const [ok, failed, remote] = await Promise.all([
      run("validate", good),
      run("validate", bad),
      run("import", bad, "--dry-run", "--url", server.url, "--key", server.adminKey),
    ]);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain("valid");
    expect(failed.code).toBe(1);
    expect(failed.err).toContain(`${bad} is not valid`);
    expect(failed.err).toContain('rules[1].then.routeId: route "gone" does not exist');
    // Against a running server, the same file is refused by the server with the same paths.
    expect(remote.code).toBe(1);
    expect(remote.err).toContain('rules[1].then.routeId: route "gone" does not exist');
  }, 60_000);

  it("exports a price stored with half a long-context pair without the half (saying so), and importing that file clears it; a file with a half pair is refused, naming the price and field", async () => {
    const standard = { effectiveFrom: "2026-02-01T00:00:00.000Z", input: 3, cacheWrite5m: 3.75, cacheWrite1h: 6, cacheRead: 0.3, output: 15 };
    const json = { "content-type": "application/json" };
    // Added whole through the API, then made into half pairs in the database, as the API once stored them.
    for (const model of ["legacy-rates-only", "legacy-threshold-only"]) {
      const res = await call("POST", "/api/prices", JSON.stringify({ model, ...standard, longContextThreshold: 200_000, longInput: 6, longOutput: 22.5 }), json);
      expect(res.status).toBe(201);
    }
    await withDb(server, async (q) => {
      await q(`UPDATE "Price" SET "longContextThreshold" = NULL WHERE "model" = ?`, ["legacy-rates-only"]);
      await q(`UPDATE "Price" SET "longInput" = NULL, "longOutput" = NULL WHERE "model" = ?`, ["legacy-threshold-only"]);
    });

    const yaml = await exported();
    expect(yaml).toContain("# longInput, longOutput left out: the database holds no longContextThreshold with them, so they never applied\n");
    expect(yaml).toContain("# longContextThreshold 200000 left out: the database holds no long-context rate with it, so prompts past it billed at the standard rates\n");
    const written = (YAML.parse(yaml) as { prices: Record<string, unknown>[] }).prices.filter((p) => String(p.model).startsWith("legacy-"));
    const halfFree = { longContextThreshold: null, longInput: null, longOutput: null, input: 3, output: 15 };
    expect(written).toEqual([expect.objectContaining({ model: "legacy-rates-only", ...halfFree }), expect.objectContaining({ model: "legacy-threshold-only", ...halfFree })]);

    const keys = ["legacy-rates-only@2026-02-01T00:00:00.000Z", "legacy-threshold-only@2026-02-01T00:00:00.000Z"];
    const imported = await call("POST", "/api/config/import?file=exported.yaml", yaml);
    expect(imported.status).toBe(200);
    const result = (await imported.json()) as { applied: boolean; diff: { prices: { added: string[]; changed: string[]; removed: string[] } } };
    expect(result.applied).toBe(true);
    expect(result.diff.prices).toEqual({ added: [], changed: keys, removed: [] });
    const stored = await queryDb<Record<string, unknown>>(server, `SELECT "model", "input", "output", "longContextThreshold", "longInput", "longOutput" FROM "Price" WHERE "model" LIKE 'legacy-%' ORDER BY "model"`);
    expect(stored).toEqual([
      { model: "legacy-rates-only", input: 3, output: 15, longContextThreshold: null, longInput: null, longOutput: null },
      { model: "legacy-threshold-only", input: 3, output: 15, longContextThreshold: null, longInput: null, longOutput: null },
    ]);
    // Nothing left to leave out: the next export is the file just imported, without the notes, and imports as no change.
    const again = await exported();
    expect(again).not.toContain("left out");
    expect(YAML.parse(again)).toEqual(YAML.parse(yaml));

    // A file that itself holds a half pair is still refused, naming the price and the field.
    const doc = YAML.parse(again) as { prices: Record<string, unknown>[] };
    const at = doc.prices.findIndex((p) => p.model === "legacy-rates-only");
    doc.prices[at]!.longInput = 6;
    const refused = await call("POST", "/api/config/import?file=half.yaml", YAML.stringify(doc));
    expect(refused.status).toBe(400);
    const body = (await refused.json()) as { error: { message: string; issues: { path: string; message: string }[] } };
    expect(body.error.issues).toEqual([
      {
        path: `prices[${at}].longContextThreshold`,
        message: "the price of legacy-rates-only from 2026-02-01T00:00:00.000Z: longContextThreshold is required with long-context rates (longInput given): the prompt size in tokens past which they apply",
      },
    ]);
    expect(await exported()).toBe(again);
  });
});
