/**
 * The start's migrations against a PostgreSQL that accepts connections and
 * never answers: a clear error within the connection bound, not a start that
 * waits for good.
 */
import net from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "./migrate";

describe("migrate", () => {
  let silent: net.Server;
  const sockets: net.Socket[] = [];

  beforeAll(async () => {
    silent = net.createServer((s) => {
      sockets.push(s);
      s.on("error", () => undefined);
      s.resume();
    });
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
  });

  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => silent.close(r));
  });

  it("fails, naming the database, when PostgreSQL accepts the connection and never answers", async () => {
    const port = (silent.address() as AddressInfo).port;
    const started = Date.now();
    await expect(migrate(`postgresql://postgres@127.0.0.1:${port}/thinkgate`, process.cwd(), 300)).rejects.toThrow(`could not connect to PostgreSQL at 127.0.0.1:${port} within 0.3 s`);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(sockets.length).toBe(1);
  });
});
