/**
 * What the process does with an error no code caught.
 *
 * Node's default ends the process on either kind, and with it every request
 * in flight and every record not yet written; Next, when it serves the pages,
 * replaces that with a console line and carries on, even after an uncaught
 * exception. thinkgate takes one rule whichever mode it runs in:
 *
 *  - An unhandled rejection is a promise nobody awaited: the work that made
 *    it has already ended, and nothing it held is left half-changed. It is
 *    logged with its stack and counted, and the gateway keeps serving.
 *  - An uncaught exception was thrown out of a callback midway through
 *    whatever it was doing; the state it left is not known to be whole
 *    (Node's documentation says the same). It is logged and counted, then
 *    the process stops as on SIGTERM: requests in flight are let finish,
 *    records are written, and it exits with 1 so that its supervisor
 *    (`npm start`, a container's restart policy) starts it again.
 *
 * Installed once the server is up: an error before that is a failed start,
 * which exits at once with its message.
 */
import { logger } from "../observability/logger";
import { metrics } from "../telemetry/metrics";

export function installProcessErrorHandlers(stopAfterUncaught: (reason: string) => void): void {
  process.on("unhandledRejection", (reason) => {
    metrics().processErrors.inc({ kind: "unhandled_rejection" });
    logger.error({ err: reason }, "unhandled promise rejection: logged, and the gateway keeps serving");
  });
  process.on("uncaughtException", (err) => {
    metrics().processErrors.inc({ kind: "uncaught_exception" });
    logger.fatal({ err }, "uncaught exception: draining requests and writing records, then exiting with 1 to be started again");
    stopAfterUncaught("uncaughtException");
  });
}
