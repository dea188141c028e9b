/**
 * The simulator's thread (started by upstream.ts in simulator mode): serves
 * the simulator's routes on a loopback port and tells the parent which.
 */
import { parentPort, workerData } from "node:worker_threads";
import { logger } from "../observability/logger";
import { listen } from "../api/http-server";
import { STOP_SIMULATOR } from "./routes";
import { createSimulatorServer } from "./server";
import { lowerThreadPriority } from "../runtime/thread-priority";

// The simulator stands in for an API on other machines: the gateway's serving
// thread in this process goes first.
lowerThreadPriority();

export type SimulatorThreadMessage = { port: number } | { error: string };

const port = parentPort!;
const server = createSimulatorServer((workerData as { maxBodyBytes: number }).maxBodyBytes, (err) => logger.error({ err }, "simulator: request failed"));
// Ended by closing, not by terminate(): a thread terminated while its HTTP parser was reading (the
// gateway's keep-alive sockets closing at a shutdown) took the whole process down with a V8 fatal
// error ("ToLocalChecked Empty MaybeLocal"), before the shutdown had written the last pins.
port.on("message", (m: unknown) => {
  if (m !== STOP_SIMULATOR) return;
  server.close(() => port.close());
  server.closeAllConnections();
});
listen(server, 0, "127.0.0.1").then(
  (bound) => port.postMessage({ port: bound } satisfies SimulatorThreadMessage),
  (err: Error) => port.postMessage({ error: err.message } satisfies SimulatorThreadMessage),
);
