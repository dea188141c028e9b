import { afterEach, describe, expect, it } from "vitest";
import { startSimulatorUpstream, type SimulatorUpstream } from "./upstream";

const body = JSON.stringify({ model: "claude-sonnet-4-6", max_tokens: 16, messages: [{ role: "user", content: "hello" }] });
const ask = (url: string) =>
  fetch(`${url}/v1/messages`, { method: "POST", headers: { "content-type": "application/json", "x-api-key": "any", "anthropic-version": "2023-06-01" }, body });

let upstream: SimulatorUpstream | undefined;
afterEach(async () => {
  await upstream?.stop();
  upstream = undefined;
});

describe("the simulator as the gateway's upstream", () => {
  it("serves on a thread of its own, on a loopback port", async () => {
    upstream = await startSimulatorUpstream(1 << 20, () => undefined);
    expect(upstream.on).toBe("thread");
    expect(upstream.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/simulator$/);
    const res = await ask(upstream.url);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { type: string }).type).toBe("message");
  }, 30_000);

  it("starts its thread again when it ends, and says where it now listens", async () => {
    let restarted: (url: string) => void = () => undefined;
    const next = new Promise<string>((r) => (restarted = r));
    upstream = await startSimulatorUpstream(1 << 20, (url) => restarted(url));
    const first = upstream.thread()!;
    await first.terminate();
    const url = await next;
    expect(upstream.thread()).not.toBe(first);
    expect((await ask(url)).status).toBe(200);
  }, 30_000);

  it("after stop, it is not started again", async () => {
    let restarts = 0;
    upstream = await startSimulatorUpstream(1 << 20, () => restarts++);
    const url = upstream.url;
    await upstream.stop();
    upstream = undefined;
    await new Promise((r) => setTimeout(r, 300));
    expect(restarts).toBe(0);
    await expect(ask(url)).rejects.toThrow();
  }, 30_000);
});
