/**
 * Runs experiments: one per process at a time, oldest first, its trials taken
 * from the database by a bounded pool of workers. Every state lives in the
 * database, so a process that dies loses nothing but the calls in flight:
 * the next start puts trials it left "running" back to pending and carries on
 * with the experiments still queued or running.
 */
import type { Caller } from "../api/wrap";
import { calibrationRepo, type EvalItemRow, type ExperimentRow, type TrialResult, type TrialRow } from "../db/calibration.repo";
import { logger } from "../observability/logger";
import { routingConfig } from "../routing/config";
import { callGateway } from "./call";
import { grade, JUDGE_SYSTEM, judgePrompt, parseGrader, parseVerdict, type Grader } from "./graders";
import { configKey, configLabel, trialRoute, type CalibrationConfig } from "./grid";

/** Attempts per trial, the first included, before it is marked failed. */
export const MAX_ATTEMPTS = 4;
const BACKOFF_BASE_MS = Number(process.env.THINKGATE_CALIBRATION_BACKOFF_MS ?? 500);
const BACKOFF_MAX_MS = 20_000;
/** A retry-after longer than this (a spent budget, a long outage) fails the trial; resume retries it later. */
const MAX_RETRY_AFTER_MS = 60_000;

export interface RunnerOptions {
  /** Called after each finished trial (the CLI's progress line). */
  onTrial?: (experimentId: string) => void;
}

/**
 * Waits `ms`, or until `signal` aborts. The abort listener goes when the
 * wait ends either way: the runner's one signal lives as long as the
 * process, and the idle loop waits every 5 s, so a listener left behind
 * per wait would pile up for ever.
 */
export const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });

export class CalibrationRunner {
  private readonly stopper = new AbortController();
  private wakeUp: (() => void) | null = null;
  private loop: Promise<void> | null = null;

  constructor(private readonly opts: RunnerOptions = {}) {}

  /** Requeues what a dead process left running, then works until stop(). */
  async start(): Promise<void> {
    const requeued = await calibrationRepo.requeueRunning();
    if (requeued) logger.info({ requeued }, "calibration: trials left running by a stopped process are pending again");
    this.loop = this.work();
  }

  /** New work is there (an experiment created or resumed). */
  wake(): void {
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.stopper.abort();
    this.wake();
    await this.loop;
  }

  /** Runs one experiment to its end (the CLI, which has no loop to wait on). */
  async runOnce(experimentId: string): Promise<void> {
    const exp = await calibrationRepo.getExperiment(experimentId);
    if (exp) await this.run(exp);
  }

  private async work(): Promise<void> {
    while (!this.stopper.signal.aborted) {
      let next: ExperimentRow | undefined;
      try {
        next = (await calibrationRepo.activeExperiments())[0];
      } catch (err) {
        logger.warn({ err: (err as Error).message }, "calibration: could not read experiments");
      }
      if (!next) {
        await new Promise<void>((resolve) => {
          this.wakeUp = resolve;
          // Poll too: another instance on the same database may queue work. The
          // wait ends on stop() too: a stop that came while the query above ran
          // found no wakeUp to call, and held the shutdown for the whole poll.
          void sleep(5_000, this.stopper.signal).then(resolve);
        });
        this.wakeUp = null;
        continue;
      }
      try {
        await this.run(next);
      } catch (err) {
        logger.error({ err, experimentId: next.id }, "calibration: experiment run failed; trying again shortly");
        await sleep(2_000, this.stopper.signal);
      }
    }
  }

  private async run(exp: ExperimentRow): Promise<void> {
    if (exp.status === "queued") await calibrationRepo.transition(exp.id, ["queued"], "running", { startedAt: exp.startedAt ?? new Date() });
    const configs = new Map((JSON.parse(exp.configs) as CalibrationConfig[]).map((c) => [configKey(c), c]));
    const items = new Map((await calibrationRepo.items(exp.setId)).map((i) => [i.id, i]));
    const grader = parseGrader(JSON.parse(exp.grader));
    const caller: Caller = { keyId: "", role: "admin", name: `calibration (${exp.createdBy})` };
    const pace = exp.requestsPerMinute ? 60_000 / exp.requestsPerMinute : 0;
    let nextSlot = 0;
    const slot = async () => {
      if (!pace) return;
      const now = Date.now();
      const at = Math.max(now, nextSlot);
      nextSlot = at + pace;
      await sleep(at - now, this.stopper.signal);
    };
    let cancelled = false;
    const worker = async () => {
      while (!this.stopper.signal.aborted && !cancelled) {
        const current = await calibrationRepo.getExperiment(exp.id);
        if (current?.status !== "running") {
          cancelled = true;
          return;
        }
        const trial = await calibrationRepo.claimTrial(exp.id);
        if (!trial) return;
        await this.runTrial(exp, trial, configs, items, grader, caller, slot);
        this.opts.onTrial?.(exp.id);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, exp.concurrency) }, worker));
    if (this.stopper.signal.aborted || cancelled) return;
    const counts = await calibrationRepo.trialCounts(exp.id);
    if (!counts.pending && !counts.running) await calibrationRepo.transition(exp.id, ["running"], "done", { finishedAt: new Date() });
  }

  private async runTrial(
    exp: ExperimentRow,
    trial: TrialRow,
    configs: Map<string, CalibrationConfig>,
    items: Map<string, EvalItemRow>,
    grader: Grader,
    caller: Caller,
    slot: () => Promise<void>,
  ): Promise<void> {
    const config = configs.get(trial.configKey);
    const item = items.get(trial.itemId);
    if (!config || !item) {
      await calibrationRepo.finishTrial(trial.id, "failed", { error: "the item or configuration no longer exists" });
      return;
    }
    let attempts = trial.attempts;
    for (;;) {
      await slot();
      if (this.stopper.signal.aborted) return; // left "running": the next start requeues it
      const res = await callGateway({
        caller,
        route: trialRoute(config, exp.id),
        reason: `calibration experiment ${exp.id}: ${configLabel(config)}`,
        task: exp.id,
        model: config.model,
        maxTokens: exp.maxTokens,
        prompt: item.prompt,
        system: item.system,
      }).catch((err: Error) => ({ ok: false as const, status: 500, message: err.message, retry: true, retryAfterMs: null, requestId: null }));
      if (res.ok) {
        const result: Partial<TrialResult> = {
          answer: res.answer.slice(0, 20_000),
          requestId: res.requestId,
          costUsd: res.costUsd,
          inputTokens: res.inputTokens,
          outputTokens: res.outputTokens,
          thinkingTokens: res.thinkingTokens,
          latencyMs: res.latencyMs,
        };
        const verdict = await this.grade(exp, grader, item, res.answer, caller);
        await calibrationRepo.finishTrial(trial.id, verdict.ok ? "done" : "failed", { ...result, ...verdict.result });
        return;
      }
      if (!res.retry || attempts >= MAX_ATTEMPTS || (res.retryAfterMs ?? 0) > MAX_RETRY_AFTER_MS) {
        await calibrationRepo.finishTrial(trial.id, "failed", { error: `HTTP ${res.status}: ${res.message}`.slice(0, 2_000), requestId: res.requestId });
        return;
      }
      // Respect the upstream's retry-after (429 / 529); exponential backoff otherwise.
      const wait = res.retryAfterMs ?? Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (attempts - 1));
      await sleep(wait, this.stopper.signal);
      attempts++;
      await calibrationRepo.addAttempt(trial.id);
    }
  }

  private async grade(
    exp: ExperimentRow,
    grader: Grader,
    item: EvalItemRow,
    answer: string,
    caller: Caller,
  ): Promise<{ ok: boolean; result: Partial<TrialResult> }> {
    if (grader.kind !== "judge") {
      const g = grade(grader, answer, item.expected);
      return { ok: true, result: { correct: g.correct, error: g.note ?? null } };
    }
    const route = (await routingConfig()).snapshot.routes.get(grader.routeId);
    if (!route) return { ok: false, result: { error: `the judge's route "${grader.routeId}" does not exist any more` } };
    for (let attempt = 1; ; attempt++) {
      const res = await callGateway({
        caller,
        route,
        reason: `calibration experiment ${exp.id}: judge`,
        task: exp.id,
        model: route.model === "*" ? "claude-sonnet-4-6" : route.model,
        maxTokens: 1_024,
        system: JUDGE_SYSTEM,
        prompt: judgePrompt(grader.rubric, item.prompt, item.expected, answer),
      });
      if (res.ok) {
        const verdict = parseVerdict(res.answer);
        if (!verdict) return { ok: false, result: { judgeCostUsd: res.costUsd, error: `the judge's reply has no verdict: ${res.answer.slice(0, 200)}` } };
        return { ok: true, result: { correct: verdict.correct, judgeCostUsd: res.costUsd, error: verdict.note ?? null } };
      }
      if (!res.retry || attempt >= MAX_ATTEMPTS || (res.retryAfterMs ?? 0) > MAX_RETRY_AFTER_MS) return { ok: false, result: { error: `judge: HTTP ${res.status}: ${res.message}` } };
      await sleep(res.retryAfterMs ?? Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1)), this.stopper.signal);
    }
  }
}

const g = globalThis as unknown as { __thinkgateCalibration?: CalibrationRunner };

/** The server's runner (started once by startCalibration). */
export function calibrationRunner(): CalibrationRunner | undefined {
  return g.__thinkgateCalibration;
}

export async function startCalibration(): Promise<CalibrationRunner> {
  g.__thinkgateCalibration ??= new CalibrationRunner();
  await g.__thinkgateCalibration.start();
  return g.__thinkgateCalibration;
}
