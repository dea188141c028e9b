/**
 * thinkgate's process: one node:http server. The API (/api/*: the gateway,
 * the simulator, the read APIs) is served on a lean path straight from the
 * route table; every other path (the pages) is handed to Next. Measured on
 * these machines, Next's request pipeline alone costs more per request than a
 * whole peer gateway, so the request path does not go through it.
 *
 *   npm start               production: pages built, this file bundled (scripts/build-server.mjs)
 *   tsx server.ts --dev     Next in development mode, from source (npm run dev)
 *   THINKGATE_NEXT=off      API only, no pages (tests, benchmarks)
 */
import "./lib/runtime/dotenv";
import { apiRoutes } from "./lib/api/routes";
import { ApiRouter } from "./lib/api/router";
import { createHttpServer, drainConnections, listen } from "./lib/api/http-server";
import { frontDoor, type PageHandler } from "./lib/api/front-door";
import { disconnectDb } from "./lib/db/client";
import { closeRecordWriter } from "./lib/db/record-writer";
import { startRetention, stopRetention } from "./lib/retention/sweep";
import { startBatchReconcile, stopBatchReconcile } from "./lib/batches/pending";
import { flushPins, replayPins } from "./lib/gateway/pins";
import { closeRecordStore, recorder } from "./lib/gateway/record";
import { reloadSpend } from "./lib/limits/reload";
import { allRecorded, cutOff, openRequests } from "./lib/gateway/shutdown";
import { flushLogs, logger } from "./lib/observability/logger";
import { readEnv, setRuntimeEnv } from "./lib/runtime/env";
import { bootstrap } from "./lib/setup/bootstrap";
import { checkDataDirs } from "./lib/setup/data-dirs";
import { calibrationRunner, startCalibration } from "./lib/calibration/runner";
import { shutdownTracing } from "./lib/telemetry/tracing";
import { startCluster, stopCluster } from "./lib/cluster";
import { projectRoot } from "./lib/runtime/root";
import { installProcessErrorHandlers } from "./lib/runtime/process-errors";
import { startSimulatorUpstream } from "./lib/simulator/upstream";
import { warmUp } from "./lib/runtime/warm-up";

async function loadNext(dev: boolean): Promise<PageHandler | null> {
  if (process.env.THINKGATE_NEXT === "off") return null;
  const { default: next } = await import("next");
  const app = next({ dev, dir: projectRoot() });
  await app.prepare();
  const handle = app.getRequestHandler();
  return (req, res) => handle(req, res);
}

async function main(): Promise<void> {
  const dev = process.argv.includes("--dev");
  let env = readEnv();
  setRuntimeEnv(env);
  // Before anything is written: a directory that cannot be is named in one line, with the setting that moves it.
  checkDataDirs();
  // In simulator mode the upstream is the simulator on a loopback port and a
  // thread of its own (lib/simulator/upstream.ts says why). The gateway's port
  // still serves /api/simulator for clients that call it directly. Its thread
  // loads while the database is opened and the routes are set up; its address
  // is taken once the gateway's own port is known (below).
  const callUpstreamAt = (url: string) => {
    env = { ...env, upstreamBaseUrl: url };
    setRuntimeEnv(env);
  };
  // Its thread started again after it ended listens on a new port: callUpstreamAt again.
  const upstreamStarting = env.upstreamIsSelf ? startSimulatorUpstream(env.maxBodyBytes, callUpstreamAt) : null;
  const boot = await bootstrap(projectRoot());
  // With REDIS_URL: limits shared with the other instances, and their changes applied here at once.
  const cluster = await startCluster();
  // Opens the spool before serving: records an earlier run left there are replayed from now on.
  recorder();
  // Without Redis, budgets count in memory: today's spend of earlier runs is loaded once their spooled records are stored.
  if (!cluster.redis) reloadSpend(recorder().earlierStored);
  // Pins an earlier run journalled and did not store: written before the first request can ask for one.
  await replayPins().catch((err: unknown) => logger.warn({ err: (err as Error).message }, "conversation pins left in the journal could not be written now; they stay for the next start"));
  const router = new ApiRouter(apiRoutes);
  const nextHandler = await loadNext(dev);
  // Node loads its fetch machinery (undici, ~30 ms) on the first use of a web global such as Headers,
  // which the SDK builds every upstream call with: loaded now rather than inside some request's turn.
  void globalThis.Headers;

  const server = createHttpServer(
    { headersMs: env.headersTimeoutMs, bodyMs: env.bodyTimeoutMs, uploadMs: env.uploadTimeoutMs },
    frontDoor(router, nextHandler, env.maxBodyBytes),
  );
  const bound = await listen(server, env.port, env.host);
  if (bound !== env.port) {
    // Port 0 asked the OS for a free port.
    env = readEnv({ ...process.env, PORT: String(bound) });
    setRuntimeEnv(env);
  }
  const upstream = upstreamStarting ? await upstreamStarting : null;
  if (upstream) callUpstreamAt(upstream.url);
  await warmUp();
  // Calibration experiments run in the server process; this resumes any a stopped process left unfinished.
  // Off on every instance but one when several share a database (a start requeues the trials left running).
  if (process.env.THINKGATE_CALIBRATION_RUNNER !== "off") await startCalibration();
  // Deletes pins and records, and clears records' text, past their retention, every THINKGATE_RETENTION_SWEEP_MS (on every instance: harmless, see the module).
  startRetention(env.retention, env.retentionSweepMs);
  // Batch creates an earlier run sent upstream and never stored the answer of: their batches adopted (lib/batches/pending.ts).
  startBatchReconcile();

  const shownHost = env.host === "0.0.0.0" || env.host === "::" ? "127.0.0.1" : env.host;
  const url = `http://${shownHost}:${env.port}`;
  const lines = [
    "",
    `thinkgate is up at ${url}  (database: ${env.db}${cluster.redis ? ", shared limits and changes: redis" : ""}, mode: ${env.mode === "simulator" ? "simulator — no ANTHROPIC_API_KEY set, answers come from the offline simulator" : "Anthropic API"})`,
    `  SDK:  new Anthropic({ baseURL: "${url}/api", apiKey: "<your thinkgate key>" })`,
    boot.firstKey
      ? boot.firstKey.fromEnv
        ? "  Admin key: the value of THINKGATE_BOOTSTRAP_KEY"
        : `  Admin key (shown once, keep it): ${boot.firstKey.secret}`
      : "  Authenticate with a thinkgate key (x-api-key or Authorization: Bearer).",
    boot.firstAdmin
      ? `  Web app: sign in at ${url}/login as ${boot.firstAdmin}`
      : `  Web app: ${url} (sign in at /login; on a new install /setup creates the first admin)`,
    "",
  ];
  process.stdout.write(lines.join("\n") + "\n");
  if (process.send) process.send({ ready: true, port: env.port });

  let stopping = false;
  let exitCode = 0;
  const stop = async (signal: string, code = 0) => {
    exitCode = Math.max(exitCode, code);
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down: draining requests and records");
    // Stop accepting, let requests in flight finish (bounded), then write every record.
    const drained = drainConnections(server);
    const inTime = await Promise.race([
      Promise.all([drained, calibrationRunner()?.stop()]).then(() => true),
      new Promise<false>((r) => setTimeout(() => r(false), Number(process.env.THINKGATE_DRAIN_MS ?? 10_000))),
    ]);
    if (!inTime) {
      // Requests still running are cut off: their upstream calls are aborted,
      // each answers its client that it was cut off (a 503, a stream's error
      // event) and is recorded (what was answered so far, what it cost) before
      // the records are flushed. Left running, they exited with no record.
      // Then every connection is closed, whatever still holds one.
      const running = openRequests();
      cutOff();
      let recorded = await allRecorded(1_000);
      // Their answers end on their own (a connection closes after the last
      // response it owes); closed at once, the error event just written was lost.
      await Promise.race([drained, new Promise((r) => setTimeout(r, 1_000))]);
      server.closeAllConnections();
      if (!recorded) recorded = await allRecorded(2_000);
      if (!recorded) logger.warn({ running: openRequests() }, "shutdown: requests cut off by the drain's bound were not all recorded in 3 s");
      else if (running) logger.warn({ running }, "shutdown: the drain's time was up; requests still running were cut off and recorded");
    }
    // Requests are answered: nothing needs the upstream any more.
    await upstream?.stop();
    const rec = recorder();
    const flushed = await rec.flush(Number(process.env.THINKGATE_SHUTDOWN_FLUSH_MS ?? 15_000));
    const left = rec.status();
    rec.close();
    if (flushed) logger.info({ written: left.written }, "shutdown: every record is in the database");
    else if (left.spool) {
      logger.warn(
        { spool: left.spool.dir, bytes: left.spool.bytes, lastError: left.lastError },
        "shutdown: the database did not take every record; they stay in the spool and are written at the next start",
      );
    } else logger.error({ lost: left.queued, lastError: left.lastError }, "shutdown: records not written and no spool (THINKGATE_SPOOL_DIR=off): they are lost");
    // Closing the connections is bounded too: a connection the database holds
    // (a write waiting on a lock, a transaction left open) would otherwise hold
    // the pool's close, and the process, for good. Records are in the database
    // or the spool by now, so nothing accepted is lost by leaving.
    const closeMs = Number(process.env.THINKGATE_SHUTDOWN_CLOSE_MS ?? 10_000);
    const closed = (async () => {
      await stopRetention();
      await stopBatchReconcile();
      await flushPins();
      await closeRecordStore();
      await closeRecordWriter();
      await stopCluster();
      await disconnectDb();
    })().then(() => true);
    if (!(await Promise.race([closed, new Promise<false>((r) => setTimeout(() => r(false), closeMs))]))) {
      logger.warn({ closeMs }, `shutdown: closing the database connections took longer than ${closeMs} ms; exiting without waiting`);
    }
    // The last requests' spans, bounded: an unreachable collector must not hold the exit.
    await Promise.race([shutdownTracing().catch(() => undefined), new Promise((r) => setTimeout(r, 5_000))]);
    flushLogs();
    process.exit(exitCode);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
  installProcessErrorHandlers((reason) => void stop(reason, 1));
}

main().catch((err: unknown) => {
  if ((err as NodeJS.ErrnoException).code === "EADDRINUSE") {
    const { port, host } = readEnv();
    console.error(`thinkgate failed to start: ${host}:${port} is already in use (another thinkgate?). Stop it, or start this one on another port: PORT=${port + 1} npm start`);
    process.exit(1);
  }
  console.error("thinkgate failed to start:", err instanceof Error ? err.message : err);
  process.exit(1);
});
