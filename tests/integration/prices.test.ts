/**
 * The price API's long-context part: the rates above a prompt size and that
 * size mean something only together. A body with one and not the other is
 * refused in the API's error shape, naming the missing field, and nothing is
 * stored; the settings form's body (lib/ui/prices.ts) with both is taken.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { priceBodyFromDraft, priceDraft } from "../../lib/ui/prices";
import { startServer, type TestServer } from "../support/server";

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server?.stop();
});

const admin = () => ({ "x-api-key": server.adminKey, "content-type": "application/json" });
const standard = { effectiveFrom: "2026-01-01T00:00:00.000Z", input: 3, cacheWrite5m: 3.75, cacheWrite1h: 6, cacheRead: 0.3, output: 15 };

async function post(body: Record<string, unknown>) {
  const res = await fetch(`${server.url}/api/prices`, { method: "POST", headers: admin(), body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as { type?: string; error?: { type: string; message: string }; model?: string } };
}

async function storedFor(model: string): Promise<unknown[]> {
  const res = await fetch(`${server.url}/api/prices`, { headers: admin() });
  const { data } = (await res.json()) as { data: { model: string }[] };
  return data.filter((p) => p.model === model);
}

describe("long-context prices", () => {
  it("refuses long-context rates without the threshold, naming it, and stores nothing", async () => {
    const model = "claude-long-no-threshold";
    const r = await post({ model, ...standard, longInput: 6, longOutput: 22.5 });
    expect(r.status).toBe(400);
    expect(r.body.type).toBe("error");
    expect(r.body.error!.type).toBe("invalid_request_error");
    expect(r.body.error!.message).toBe(
      "longContextThreshold is required with long-context rates (longInput, longOutput given): the prompt size in tokens past which they apply",
    );
    expect(await storedFor(model)).toEqual([]);
  });

  it("refuses a threshold without any long-context rate, naming the rates, and stores nothing", async () => {
    const model = "claude-threshold-no-rates";
    const r = await post({ model, ...standard, longContextThreshold: 200_000 });
    expect(r.status).toBe(400);
    expect(r.body.error!.type).toBe("invalid_request_error");
    expect(r.body.error!.message).toBe(
      "longContextThreshold needs at least one long-context rate (longInput, longCacheWrite5m, longCacheWrite1h, longCacheRead, longOutput): without one, prompts past it are billed at the standard rates",
    );
    expect(await storedFor(model)).toEqual([]);
  });

  it("takes the settings form's body with a threshold and its rates, and one with neither", async () => {
    const model = "claude-form-long-context";
    const draft = { ...priceDraft(model, "2026-01-01"), input: "3", output: "15", cacheWrite5m: "3.75", cacheWrite1h: "6", cacheRead: "0.3" };
    const withLong = priceBodyFromDraft({ ...draft, longContextThreshold: "200000", longInput: "6", longOutput: "22.5" });
    if (!withLong.ok) throw new Error(JSON.stringify(withLong.errors));
    const taken = await post(withLong.body);
    expect(taken.status).toBe(201);
    expect(taken.body).toMatchObject({ model, longContextThreshold: 200_000, longInput: 6, longOutput: 22.5, longCacheRead: null });

    const plain = priceBodyFromDraft({ ...draft, effectiveFrom: "2026-02-01" });
    if (!plain.ok) throw new Error(JSON.stringify(plain.errors));
    expect((await post(plain.body)).status).toBe(201);
    expect(await storedFor(model)).toHaveLength(2);
  });
});
