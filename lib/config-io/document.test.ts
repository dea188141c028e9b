import { describe, expect, it } from "vitest";
import { SEED_APPS, SEED_ROUTES, SEED_RULES } from "../setup/seed";
import { diffConfig, describeDiff } from "./diff";
import { checkDocument, validateDocument, type ConfigDocument } from "./document";
import { parseText, serialize } from "./format";

/** A valid document built from the seeded configuration, as a file would hold it. */
function sample(): Record<string, unknown> & { routes: Record<string, unknown>[]; rules: Record<string, unknown>[]; apps: Record<string, unknown>[]; settings: Record<string, unknown>; prices: Record<string, unknown>[] } {
  return structuredClone({
    version: 1,
    settings: { tierRoutes: { standard: "standard", reasoning: "reasoning" }, defaultRouteId: "standard" },
    routes: SEED_ROUTES.map((r) => ({ ...r })),
    rules: SEED_RULES,
    apps: SEED_APPS.map(({ name, tier, routeId, description }) => ({ name, tier, routeId, description })),
    prices: [{ model: "claude-opus-4-7", effectiveFrom: "2026-04-16", input: 5, cacheWrite5m: 6.25, cacheWrite1h: 10, cacheRead: 0.5, output: 25 }],
  }) as never;
}

const paths = (raw: unknown) => checkDocument(raw).issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message));

/** Why parseText refuses `text`, or null when it takes it. */
function problem(text: string, format: "json" | "yaml"): string | null {
  try {
    parseText(text, format);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

describe("config document validation", () => {
  it("lists at most the first 100 problems, and checks no entry past them", () => {
    // 240,000 empty route entries (720 KB, any viewer may validate a file) made about a million issues; the answer listing them ran the server out of heap.
    const t0 = performance.now();
    for (const section of ["routes", "apps", "prices"] as const) {
      const raw = { ...sample(), [section]: Array.from({ length: 240_000 }, () => ({})) };
      const { document, issues } = checkDocument(raw);
      expect(document).toBeNull();
      expect(issues).toHaveLength(101);
      expect(issues[100]).toEqual({ path: "", message: "only the first 100 problems are listed" });
    }
    expect(performance.now() - t0).toBeLessThan(2_000);
  });

  it("accepts the seeded configuration and fills in defaults in a fixed key order", () => {
    const doc = validateDocument(sample());
    expect(Object.keys(doc)).toEqual(["version", "settings", "routes", "rules", "apps", "prices"]);
    expect(Object.keys(doc.settings)).toEqual(["tierRoutes", "defaultRouteId", "classifierThreshold", "classifier", "llmClassifier", "escalation"]);
    expect(doc.settings.classifierThreshold).toBeNull();
    expect(doc.routes.map((r) => r.id)).toEqual([...SEED_ROUTES.map((r) => r.id)].sort());
    expect(doc.apps[0]!.limits).toEqual({ rpm: null, usdPerDay: null, action: "reject" });
    expect(doc.prices[0]!.effectiveFrom).toBe("2026-04-16T00:00:00.000Z");
    expect(doc.prices[0]!.longInput).toBeNull();
  });

  it("reports shape problems with their path in the document", () => {
    const raw = sample();
    raw.rules[1] = { ...raw.rules[1], when: { minPromptChars: -1 } };
    raw.routes[0]!.thinking = "sometimes";
    raw.prices[0]!.output = -3;
    raw.settings.classifierThreshold = 2;
    raw.apps.push({ name: "bad name!", tier: "standard" });
    const found = paths(raw);
    expect(found).toContain("rules[1].when.minPromptChars: must be at least 0");
    expect(found.some((p) => p.startsWith("routes[0].thinking: "))).toBe(true);
    expect(found.some((p) => p.startsWith("prices[0].output: "))).toBe(true);
    expect(found).toContain("settings.classifierThreshold: the classifier threshold is between 0 and 1");
    expect(found.some((p) => p.startsWith("apps[2].name: letters, digits"))).toBe(true);
  });

  it("reports an unsafe answer pattern under the rule's escalate field", () => {
    const raw = sample();
    raw.rules[0] = { ...raw.rules[0], escalate: { answerPattern: "(a" } };
    const found = paths(raw);
    expect(found.some((p) => p.startsWith("rules[0].escalate.answerPattern: "))).toBe(true);
  });

  it("checks references against the routes the file defines", () => {
    const raw = sample();
    raw.rules[0] = { ...raw.rules[0], then: { routeId: "gone" } };
    raw.rules[1] = { ...raw.rules[1], escalate: { toRouteId: "nowhere" } };
    raw.settings.defaultRouteId = "missing";
    raw.settings.tierRoutes = { standard: "reasoning", reasoning: "reasoning" };
    raw.apps[0] = { ...raw.apps[0], tier: "standard", routeId: "reasoning" };
    raw.routes[1]!.fallbackRouteIds = ["reasoning"];
    raw.routes[0]!.fallbackRouteIds = ["ghost"];
    const found = paths(raw);
    expect(found).toEqual(
      expect.arrayContaining([
        'rules[0].then.routeId: route "gone" does not exist; choose one of: reasoning, reasoning-deep, reasoning-sonnet, standard, standard-opus, standard-sonnet',
        'rules[1].escalate.toRouteId: route "nowhere" does not exist',
        'settings.tierRoutes.standard: route "reasoning" is a reasoning route',
        'apps[0].routeId: route "reasoning" is a reasoning route; the app\'s tier is standard',
        'routes[0].fallbackRouteIds: route "ghost" does not exist',
      ]),
    );
  });

  it("reports duplicates, unknown sections, missing sections and a wrong version", () => {
    const raw = sample();
    raw.routes.push({ ...raw.routes[0] });
    // Refused one by one by the routes API, so in a file too.
    raw.routes.push({ ...raw.routes[0], id: "STANDARD" });
    raw.prices.push({ ...raw.prices[0] });
    raw.extra = true;
    raw.version = 2;
    delete (raw as Record<string, unknown>).apps;
    const found = paths(raw);
    expect(found).toEqual(
      expect.arrayContaining([
        `routes[${SEED_ROUTES.length}].id: duplicate route id "standard"`,
        `routes[${SEED_ROUTES.length + 1}].id: route "STANDARD" differs from route "standard" only in case; use one id`,
        "prices[1].effectiveFrom: a price for claude-opus-4-7 from 2026-04-16T00:00:00.000Z is listed twice",
        "unknown section: extra (expected version, settings, routes, rules, apps, prices)",
        "version: 2 is not a version this thinkgate reads (it reads version: 1)",
        'apps: missing; write "apps: []" for none',
      ]),
    );
    expect(() => validateDocument(raw)).toThrow(new RegExp(`^the configuration is not valid: unknown section: extra .*; routes\\[${SEED_ROUTES.length}\\]\\.id: duplicate route id`));
  });

  it("refuses a route for an auto app rather than dropping it", () => {
    const raw = sample();
    raw.apps[0] = { ...raw.apps[0], tier: "auto", routeId: "standard" };
    expect(paths(raw)).toContain("apps[0].routeId: an auto app has no route of its own (rules and the classifier decide): remove routeId or choose a tier");
  });
});

describe("config document text", () => {
  it("carries an app's client-thinking policy, written only where set, and checks it", () => {
    const raw = sample();
    raw.apps[0] = { ...raw.apps[0], thinking: { policy: "cap", cap: "medium" } };
    const doc = validateDocument(raw);
    expect(doc.apps.find((a) => a.name === raw.apps[0]!.name)!.thinking).toEqual({ policy: "cap", cap: "medium" });
    expect(doc.apps.find((a) => a.name !== raw.apps[0]!.name)).not.toHaveProperty("thinking");
    expect(validateDocument(parseText(serialize(doc, "yaml"), "yaml"))).toEqual(doc);
    raw.apps[1] = { ...raw.apps[1], thinking: { policy: "cap" } };
    raw.apps.push({ name: "other", tier: "auto", thinking: { policy: "always" } });
    const found = paths(raw);
    expect(found).toContain("apps[1].thinking.cap: policy cap needs a cap (an effort: low, medium, high, xhigh or max)");
    expect(found.some((p) => p.startsWith("apps[2].thinking.policy: "))).toBe(true);
  });

  it("writes YAML and JSON that read back to the same document, the same bytes every time", () => {
    const doc = validateDocument(sample());
    for (const format of ["yaml", "json"] as const) {
      const text = serialize(doc, format);
      expect(serialize(validateDocument(parseText(text, format)), format)).toBe(text);
    }
    // YAML 1.1 readers take a bare on/off for booleans: those strings are quoted.
    expect(serialize(doc, "yaml")).toContain('thinking: "on"');
  });

  it("says where a YAML file is broken", () => {
    expect(() => parseText("version: 1\nroutes:\n  - id: a\n   name: b\n")).toThrow(/not valid YAML: .*line 4/);
    expect(() => parseText("a: 1\na: 2\n")).toThrow(/not valid YAML: Map keys must be unique/);
    expect(() => parseText('{"version": 1,}')).toThrow(/not valid JSON/);
    expect(() => parseText("  \n")).toThrow(/empty/);
  });

  it("refuses what would hold the process: alias bombs and fan-outs, deep nesting, self-referring aliases, huge files", () => {
    const laughs = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"];
    for (const [i, n] of [..."bcdefghi"].entries()) laughs.push(`${n}: &${n} [${Array(9).fill(`*${"abcdefghi"[i]}`).join(", ")}]`);
    const cases: [string, RegExp][] = [
      [laughs.join("\n"), /not valid YAML: its aliases expand to more than 100 copies/],
      [`a: &a [${Array(4_000).fill(1).join(",")}]\nb: [${Array(99).fill("*a").join(",")}]`, /expands to more than 250000 values/],
      [`a: ${"[".repeat(10_000)}${"]".repeat(10_000)}`, /brackets nest more than 64 levels deep/],
      [`a: ${"{b: ".repeat(10_000)}`, /brackets nest more than 64 levels deep/],
      [`${"- ".repeat(3_000)}x`, /a line starts more than 64 columns in/],
      [Array.from({ length: 80 }, (_, i) => `${" ".repeat(i)}k:`).join("\n"), /a line starts more than 64 columns in/],
      ["routes: &r [*r]", /nests more than 64 levels deep \(or a YAML alias refers to a node that contains it\)/],
      ["a: *nowhere", /not valid YAML: Unresolved alias/],
      [`${"[".repeat(100)}${"]".repeat(100)}`, /nests more than 64 levels deep/],
      [`a: ${"x".repeat(1 << 20)}`, /longer than 1048576 characters/],
    ];
    for (const [text, message] of cases) expect(() => parseText(text), text.slice(0, 40)).toThrow(message);
  });

  it("refuses a lone surrogate or a NUL anywhere in the file, in JSON or YAML, saying where (a route's name with one made the database write fail with a 500)", () => {
    expect(problem('{"routes": [{"id": "r", "name": "a\\ud800b"}]}', "json")).toMatch(/routes\.0\.name holds a lone surrogate/);
    expect(problem('routes:\n  - id: r\n    name: "a\\udc00b"\n', "yaml")).toMatch(/routes\.0\.name holds a lone surrogate/);
    // PostgreSQL's text cannot hold a NUL.
    expect(problem('{"rules": [{"id": "r", "name": "a\\u0000b"}]}', "json")).toMatch(/rules\.0\.name holds a NUL character/);
    expect(problem('apps:\n  - name: a\n    description: "x\\0y"\n', "yaml")).toMatch(/apps\.0\.description holds a NUL character/);
    // A pair is text (an emoji), in either escape form.
    expect(problem('{"routes": [{"id": "r", "name": "a\\ud83d\\ude00b 😀"}]}', "json")).toBeNull();
  });

  it("refuses a \"__proto__\" key, in JSON or YAML (a JSON Schema with one was validated with it and stored without it)", () => {
    expect(problem('{"settings": {"escalation": {"policy": {"jsonSchema": {"__proto__": {"type": "string"}}}}}}', "json")).toMatch(/"__proto__" is not allowed as a key/);
    expect(problem("rules:\n  - escalate:\n      jsonSchema:\n        __proto__:\n          type: string\n", "yaml")).toMatch(/"__proto__" is not allowed as a key/);
    // As a value, or inside a longer key, it is text like any other.
    expect(problem('{"rules": [{"name": "__proto__", "x__proto__": 1}]}', "json")).toBeNull();
  });

  it("does not count brackets and dashes inside strings, comments or block text, nor blank lines, as nesting", () => {
    const deep = "[".repeat(80);
    const text = [
      `a: "${deep}"`,
      `b: '${"{".repeat(80)}'`,
      `c: x${deep}`,
      `# ${deep}`,
      ...Array(200).fill("      "),
      "d: |",
      `  ${"- ".repeat(80)}x`,
      "e: &e {f: [1, 2]}",
      "g: *e",
    ].join("\n");
    expect(parseText(text)).toEqual({ a: deep, b: "{".repeat(80), c: `x${deep}`, d: `${"- ".repeat(80)}x\n`, e: { f: [1, 2] }, g: { f: [1, 2] } });
  });
});

describe("config diff", () => {
  it("lists what an import adds, changes, removes and moves", () => {
    const before = validateDocument(sample());
    const raw = sample();
    raw.routes[0]!.description = "changed";
    raw.routes = raw.routes.filter((r) => r.id !== "reasoning-deep");
    raw.apps = raw.apps.filter((a) => a.name !== "legal-review");
    raw.rules = [...raw.rules].reverse();
    raw.prices[0]!.input = 4;
    raw.settings.classifierThreshold = 0.4;
    const after: ConfigDocument = validateDocument(raw);
    const d = diffConfig(before, after);
    expect(d.empty).toBe(false);
    expect(d.routes).toEqual({ added: [], changed: ["standard"], removed: ["reasoning-deep"] });
    expect(d.apps.removed).toEqual(["legal-review"]);
    expect(d.rules.moved.length).toBe(1);
    expect(d.prices.changed).toEqual(["claude-opus-4-7@2026-04-16T00:00:00.000Z"]);
    expect(d.settings).toEqual(["classifierThreshold"]);
    expect(describeDiff(d)).toContain("routes: ~1 changed (standard), -1 removed (reasoning-deep)");
    expect(diffConfig(before, before)).toMatchObject({ empty: true });
  });

  it("sees a rule change its summary does not spell out (an escalation's JSON schema): an import of it is not \"no changes\"", () => {
    const withSchema = (key: string) => {
      const raw = sample();
      (raw.rules[0] as { escalate?: unknown }).escalate = { jsonSchema: { type: "object", required: [key] } };
      return validateDocument(raw);
    };
    const d = diffConfig(withSchema("a"), withSchema("b"));
    expect(d.empty).toBe(false);
    expect(d.rules.changed).toEqual([withSchema("a").rules[0]!.id]);
  });
});
