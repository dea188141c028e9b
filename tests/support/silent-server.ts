/**
 * A TCP server that accepts connections, reads whatever comes and says
 * nothing: a hung server, or a proxy whose backend is gone. What a client of
 * Redis or PostgreSQL must not wait on for good.
 */
import net from "node:net";
import type { AddressInfo } from "node:net";

export interface SilentServer {
  port: number;
  /** The connections it has accepted. */
  sockets: net.Socket[];
  close(): Promise<void>;
}

export async function startSilentServer(): Promise<SilentServer> {
  const sockets: net.Socket[] = [];
  const server = net.createServer((s) => {
    sockets.push(s);
    s.on("error", () => undefined);
    s.resume();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: (server.address() as AddressInfo).port,
    sockets,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}
