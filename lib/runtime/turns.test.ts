import net from "node:net";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { yieldToIo } from "./turns";

const busy = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

describe("yieldToIo", () => {
  let server: net.Server | undefined;
  const sockets: net.Socket[] = [];
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
  });

  it("lets a request that arrived during long work in an I/O callback be served before the work goes on", async () => {
    const order: string[] = [];
    let done!: () => void;
    const finished = new Promise<void>((r) => (done = r));
    server = net.createServer((s) =>
      s.on("data", async (d) => {
        const what = d.toString();
        order.push(`received ${what}`);
        if (what !== "long") return;
        busy(60); // the other request arrives in here
        order.push("first half");
        await yieldToIo();
        order.push("second half");
        done();
      }),
    );
    await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
    const { port } = server.address() as AddressInfo;
    const [a, b] = [net.connect(port, "127.0.0.1"), net.connect(port, "127.0.0.1")];
    sockets.push(a, b);
    await Promise.all([a, b].map((s) => new Promise((r) => s.once("connect", r))));
    a.write("long");
    setTimeout(() => b.write("short"), 20);
    await finished;
    expect(order).toEqual(["received long", "first half", "received short", "second half"]);
  });
});
