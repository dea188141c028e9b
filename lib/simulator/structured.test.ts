/**
 * Structured outputs in the simulator: the answer to a request with
 * `output_config.format` must be a value its schema accepts, for the schemas
 * clients send (zod's, through the SDKs' helpers, and hand-written ones).
 * Checked with a real JSON Schema validator, not by the sampler's own reading.
 */
import { zodOutputFormat } from "@anthropic-ai/sdk/helpers/zod";
import Ajv2020 from "ajv/dist/2020";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { analyzePrompt, sampleInput } from "./generate";
import { Rng } from "./random";
import { validateMessagesRequest } from "./validate";

const facts = analyzePrompt("Extract the invoice for Acme Corp dated 3 March: 12 widgets at $4.50, shipped to Oslo.");

const schemas: [string, Record<string, unknown>][] = [
  [
    "an invoice (nested object, enum, optional, nullable, array with a minimum, formats, bounds)",
    z.toJSONSchema(
      z.object({
        customer: z.object({ name: z.string().min(3), email: z.email(), website: z.url().nullable() }),
        status: z.enum(["draft", "sent", "paid"]),
        issued: z.iso.datetime(),
        lines: z.array(z.object({ item: z.string(), quantity: z.number().int().min(1).max(1000), unitPrice: z.number().positive() })).min(2),
        note: z.string().max(5).optional(),
        id: z.uuid(),
        kind: z.literal("invoice"),
      }),
    ) as Record<string, unknown>,
  ],
  [
    "a tree ($ref to itself through $defs)",
    (() => {
      const Node: z.ZodType<{ label: string; children: unknown[] }> = z.object({ label: z.string(), children: z.array(z.lazy(() => Node)) });
      return z.toJSONSchema(Node) as Record<string, unknown>;
    })(),
  ],
  [
    "a union, an intersection and a number with exclusive bounds",
    z.toJSONSchema(
      z.object({
        answer: z.union([z.object({ value: z.number().gt(0).lt(1) }), z.object({ error: z.string() })]),
        both: z.intersection(z.object({ a: z.boolean() }), z.object({ b: z.null() })),
      }),
    ) as Record<string, unknown>,
  ],
  [
    "hand-written draft-07 with definitions, type lists and prefixItems",
    {
      type: "object",
      definitions: { money: { type: "object", properties: { amount: { type: "number", minimum: 0 }, currency: { const: "USD" } }, required: ["amount", "currency"] } },
      properties: { total: { $ref: "#/definitions/money" }, tags: { type: ["array", "null"], items: { type: "string", minLength: 2 }, maxItems: 3 }, pair: { type: "array", prefixItems: [{ type: "integer" }, { type: "string" }] } },
      required: ["total", "tags", "pair"],
      additionalProperties: false,
    },
  ],
];

describe("sampleInput for a structured answer", () => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addFormat("email", /^[^@\s]+@[^@\s]+$/).addFormat("uri", /^https?:\/\//).addFormat("date-time", /^\d{4}-\d\d-\d\dT/).addFormat("uuid", /^[0-9a-f-]{36}$/);
  for (const [name, schema] of schemas) {
    it(`gives a value the schema accepts: ${name}`, () => {
      const { $schema: _, ...plain } = schema;
      const value = sampleInput(plain, facts, new Rng(7));
      const validate = ajv.compile(plain);
      expect(validate(value), JSON.stringify({ value, errors: validate.errors })).toBe(true);
    });
  }

  it("follows the constraints the SDK's zodOutputFormat moves into descriptions, so the SDK's own check of the answer passes", () => {
    const Plan = z.object({
      steps: z.array(z.object({ title: z.string().min(12), hours: z.number().min(0.5).max(8) })).min(3),
      risk: z.enum(["low", "medium", "high"]),
      owner: z.string().nullable(),
    });
    const sent = zodOutputFormat(Plan).schema;
    // What the API receives carries the bounds only as text.
    expect(JSON.stringify(sent)).toContain('"description":"{minItems: 3}"');
    const value = sampleInput(sent, analyzePrompt("Plan a 2-week migration."), new Rng(3));
    expect(Plan.safeParse(value).success, JSON.stringify(value)).toBe(true);
  });

  it("follows the same constraints in the words the Vercel AI SDK writes them (\"min items: 2; max items: 4.\")", () => {
    const S = z.object({ hours: z.number().min(0.5).max(8), n: z.number().int().gt(2).lt(9), title: z.string().min(12).max(40), tags: z.array(z.string()).min(2).max(4) });
    // As @ai-sdk/anthropic sends this schema (captured from its request body).
    const sent = {
      type: "object",
      properties: {
        hours: { type: "number", description: "minimum: 0.5; maximum: 8." },
        n: { type: "integer", description: "exclusive minimum: 2; exclusive maximum: 9." },
        title: { type: "string", description: "min length: 12; max length: 40." },
        tags: { type: "array", items: { type: "string" }, description: "min items: 2; max items: 4." },
      },
      required: ["hours", "n", "title", "tags"],
      additionalProperties: false,
    };
    const value = sampleInput(sent, analyzePrompt("Schedule 20 hours of work."), new Rng(5));
    expect(S.safeParse(value).success, JSON.stringify(value)).toBe(true);
  });

  it("answers a hostile schema without spending the thread: huge counts and lengths, a broken pointer, a long description", () => {
    // A quadratic reading of the description, or an allocation of the asked count, would not end within the test's timeout.
    const value = sampleInput(
      {
        type: "object",
        properties: {
          many: { type: "array", items: { type: "string" }, minItems: 1e9 },
          long: { type: "string", minLength: 1e9 },
          broken: { $ref: "#/%E0%A4%A" },
          prose: { type: "string", description: "a ".repeat(50_000) + "\t".repeat(50_000) },
        },
        required: ["many", "long", "broken", "prose"],
      },
      facts,
      new Rng(1),
    ) as { many: string[]; long: string; broken: unknown };
    expect(value.many.length).toBe(100);
    expect(value.long.length).toBe(10_000);
    expect(typeof value.broken).toBe("string");
  });

  it("is the same value for the same prompt and seed", () => {
    const schema = schemas[0]![1];
    expect(JSON.stringify(sampleInput(schema, facts, new Rng(7)))).toBe(JSON.stringify(sampleInput(schema, facts, new Rng(7))));
  });
});

describe("output_config.format in a request", () => {
  const headers = { "anthropic-version": "2023-06-01" };
  const base = (format: unknown) => ({ model: "claude-sonnet-4-6", max_tokens: 64, messages: [{ role: "user", content: "hi" }], output_config: { format } });
  const msg = (body: unknown) => validateMessagesRequest(body, headers)?.message;
  it("takes a json_schema format or null, and refuses anything else with the API's wording", () => {
    expect(validateMessagesRequest(base({ type: "json_schema", schema: { type: "object" } }), headers)).toBeNull();
    expect(validateMessagesRequest(base(null), headers)).toBeNull();
    expect(msg(base("json"))).toBe("output_config.format: Input should be a valid dictionary");
    expect(msg(base({ type: "json_object", schema: {} }))).toBe("output_config.format.type: Input should be 'json_schema'");
    expect(msg(base({ type: "json_schema" }))).toBe("output_config.format.schema: Field required");
    expect(msg(base({ type: "json_schema", schema: "{}" }))).toBe("output_config.format.schema: Input should be a valid dictionary");
    expect(msg(base({ type: "json_schema", schema: {}, name: "x" }))).toBe("output_config.format.name: Extra inputs are not permitted");
  });
});
