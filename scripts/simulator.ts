/**
 * The simulator on its own, as a separate process: the same routes the
 * gateway serves at /api/simulator, served from plain node:http with nothing
 * else in the process. It is the mock upstream of the benchmarks (with
 * THINKGATE_SIM_LATENCY=zero it answers instantly) and a stand-in Anthropic
 * API for trying an SDK against.
 *
 *   npm run simulator                      PORT 4010 (default), HOST 127.0.0.1
 *   PORT=0 tsx scripts/simulator.ts        a free port; sends {ready, port} over IPC when forked
 *
 * SDK base URL: http://HOST:PORT/api/simulator (any API key is accepted).
 */
import { listen } from "../lib/api/http-server";
import { createSimulatorServer } from "../lib/simulator/server";

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 4010);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got ${process.env.PORT}`);
  const host = process.env.HOST?.trim() || "127.0.0.1";
  const maxBodyBytes = Number(process.env.THINKGATE_MAX_BODY_BYTES ?? 32 * 1024 * 1024);
  const server = createSimulatorServer(maxBodyBytes, (err) => console.error("simulator: request failed:", err));
  const bound = await listen(server, port, host).catch((err: Error) => {
    console.error("simulator failed to start:", err.message);
    process.exit(1);
  });
  const shownHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
  const latency = process.env.THINKGATE_SIM_LATENCY === "zero" ? "zero (answers instantly)" : "realistic";
  process.stdout.write(
    `simulator is up at http://${shownHost}:${bound}/api/simulator  (latency: ${latency})\n` +
      `  SDK:  new Anthropic({ baseURL: "http://${shownHost}:${bound}/api/simulator", apiKey: "any" })\n`,
  );
  if (process.send) process.send({ ready: true, port: bound });

  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 2_000).unref();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((err: unknown) => {
  console.error("simulator failed to start:", err instanceof Error ? err.message : err);
  process.exit(1);
});
