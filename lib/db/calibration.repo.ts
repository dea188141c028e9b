/** Calibration lab storage: evaluation sets and their items, experiments and their trials. */
import { badRequest, notFound } from "../api/errors";
import { db } from "./client";
import { slicesOf } from "./slices";

export interface EvalSetRow {
  id: string;
  name: string;
  description: string;
  grader: string;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface EvalItemInput {
  key: string | null;
  prompt: string;
  system: string | null;
  expected: string;
  category: string | null;
  source: "upload" | "request" | "playground";
  requestId: string | null;
}

export interface EvalItemRow extends EvalItemInput {
  id: string;
  setId: string;
  position: number;
  createdAt: Date;
}

export interface ExperimentRow {
  id: string;
  setId: string;
  name: string;
  configs: string;
  grader: string;
  tolerance: number;
  concurrency: number;
  requestsPerMinute: number | null;
  maxTokens: number;
  status: string;
  createdBy: string;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  appliedAt: Date | null;
  appliedBy: string | null;
  appliedRouteId: string | null;
  appliedChange: string | null;
  appliedRuleVersion: number | null;
}

export type ExperimentInput = Pick<ExperimentRow, "setId" | "name" | "configs" | "grader" | "tolerance" | "concurrency" | "requestsPerMinute" | "maxTokens" | "createdBy">;

export interface TrialRow {
  id: string;
  experimentId: string;
  itemId: string;
  configKey: string;
  status: string;
  attempts: number;
  correct: boolean | null;
  answer: string | null;
  requestId: string | null;
  costUsd: number | null;
  judgeCostUsd: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  thinkingTokens: number | null;
  latencyMs: number | null;
  error: string | null;
  finishedAt: Date | null;
}

export type TrialResult = Pick<TrialRow, "correct" | "answer" | "requestId" | "costUsd" | "judgeCostUsd" | "inputTokens" | "outputTokens" | "thinkingTokens" | "latencyMs" | "error">;

export const calibrationRepo = {
  async createSet(set: { name: string; description: string; grader: string; createdBy: string }, items: EvalItemInput[]): Promise<EvalSetRow> {
    return db().client.$transaction(async (tx) => {
      const row = await tx.evalSet.create({ data: set });
      await tx.evalItem.createMany({ data: items.map((it, position) => ({ ...it, setId: row.id, position })) });
      return row;
    });
  },

  /**
   * Adds items after the set's last one, unless the set would then hold more
   * than `max` items or an item's key is already in the set: the append is
   * refused whole (nothing is written) with the reason. The set's row is
   * written first, so concurrent appends to one set take turns (PostgreSQL
   * locks the row until commit; SQLite's write lock is taken at once) and
   * each counts what the others committed: two appends cannot together pass
   * the limit, nor both add one key.
   */
  async appendItems(setId: string, items: EvalItemInput[], max: number): Promise<number> {
    return db().client.$transaction(async (tx) => {
      const touched = await tx.evalSet.updateMany({ where: { id: setId }, data: { updatedAt: new Date() } });
      if (touched.count === 0) throw notFound(`evaluation set ${setId} does not exist`);
      const held = await tx.evalItem.count({ where: { setId } });
      if (held + items.length > max) {
        throw badRequest(`the set holds ${held} item${held === 1 ? "" : "s"} and may hold at most ${max}; adding ${items.length} would make ${held + items.length}`);
      }
      const keys = [...new Set(items.flatMap((it) => (it.key === null ? [] : [it.key])))];
      for (const some of slicesOf(keys)) {
        const taken = await tx.evalItem.findFirst({ where: { setId, key: { in: some } }, select: { key: true }, orderBy: { position: "asc" } });
        if (taken) throw badRequest(`item id "${taken.key}" is already in the set`);
      }
      const last = await tx.evalItem.findFirst({ where: { setId }, orderBy: { position: "desc" }, select: { position: true } });
      const start = (last?.position ?? -1) + 1;
      await tx.evalItem.createMany({ data: items.map((it, i) => ({ ...it, setId, position: start + i })) });
      return held + items.length;
    });
  },

  async listSets(): Promise<(EvalSetRow & { items: number })[]> {
    const client = db().client;
    const [sets, counts] = await Promise.all([
      client.evalSet.findMany({ orderBy: { createdAt: "desc" }, take: 500 }),
      client.evalItem.groupBy({ by: ["setId"], _count: { _all: true } }),
    ]);
    const n = new Map(counts.map((c) => [c.setId, c._count._all]));
    return sets.map((s) => ({ ...s, items: n.get(s.id) ?? 0 }));
  },

  getSet: (id: string): Promise<EvalSetRow | null> => db().client.evalSet.findUnique({ where: { id } }),

  items: (setId: string): Promise<EvalItemRow[]> =>
    db().client.evalItem.findMany({ where: { setId }, orderBy: { position: "asc" } }) as Promise<EvalItemRow[]>,

  /** A page of the set's items in order: up to `take` after position `after`. */
  itemsPage: (setId: string, take: number, after?: number): Promise<EvalItemRow[]> =>
    db().client.evalItem.findMany({
      where: { setId, ...(after === undefined ? {} : { position: { gt: after } }) },
      orderBy: { position: "asc" },
      take,
    }) as Promise<EvalItemRow[]>,

  itemCount: (setId: string): Promise<number> => db().client.evalItem.count({ where: { setId } }),

  /** The set's categories, in the order they first appear. */
  async categories(setId: string): Promise<string[]> {
    const rows = await db().client.evalItem.groupBy({ by: ["category"], where: { setId, category: { not: null } }, _min: { position: true } });
    return rows.sort((a, b) => (a._min.position ?? 0) - (b._min.position ?? 0)).map((r) => r.category!);
  },

  itemsByIds: (ids: string[]): Promise<EvalItemRow[]> => db().client.evalItem.findMany({ where: { id: { in: ids } } }) as Promise<EvalItemRow[]>,

  experimentCountForSet: (setId: string): Promise<number> => db().client.experiment.count({ where: { setId } }),

  async deleteSet(id: string): Promise<void> {
    await db().client.$transaction([db().client.evalItem.deleteMany({ where: { setId: id } }), db().client.evalSet.delete({ where: { id } })]);
  },

  /** The experiment and one pending trial per (item, configuration), together. */
  async createExperiment(input: ExperimentInput, trials: { itemId: string; configKey: string }[]): Promise<ExperimentRow> {
    return db().client.$transaction(async (tx) => {
      const row = await tx.experiment.create({ data: { ...input, status: "queued" } });
      await tx.trial.createMany({ data: trials.map((t) => ({ ...t, experimentId: row.id })) });
      return row;
    });
  },

  listExperiments: (setId?: string): Promise<ExperimentRow[]> =>
    db().client.experiment.findMany({ where: setId ? { setId } : {}, orderBy: { createdAt: "desc" }, take: 200 }),

  getExperiment: (id: string): Promise<ExperimentRow | null> => db().client.experiment.findUnique({ where: { id } }),

  /** Experiments the runner should work on, oldest first. */
  activeExperiments: (): Promise<ExperimentRow[]> =>
    db().client.experiment.findMany({ where: { status: { in: ["queued", "running"] } }, orderBy: { createdAt: "asc" } }),

  /** Moves the status only from one of `from` (so a cancel is not overwritten by a finishing runner). */
  async transition(id: string, from: string[], to: string, at: { startedAt?: Date; finishedAt?: Date | null } = {}): Promise<boolean> {
    return (await db().client.experiment.updateMany({ where: { id, status: { in: from } }, data: { status: to, ...at } })).count === 1;
  },

  async markApplied(id: string, a: { appliedAt: Date; appliedBy: string; appliedRouteId: string; appliedChange: string; appliedRuleVersion: number }): Promise<void> {
    await db().client.experiment.update({ where: { id }, data: a });
  },

  async trialCounts(experimentId: string): Promise<Record<string, number>> {
    const rows = await db().client.trial.groupBy({ by: ["status"], where: { experimentId }, _count: { _all: true } });
    return Object.fromEntries(rows.map((r) => [r.status, r._count._all]));
  },

  trials: (experimentId: string): Promise<TrialRow[]> => db().client.trial.findMany({ where: { experimentId }, orderBy: { id: "asc" } }),

  /** A page of the experiment's trials in id order: up to `take` after the trial `after`. */
  trialsPage: (experimentId: string, take: number, after?: string): Promise<TrialRow[]> =>
    db().client.trial.findMany({ where: { experimentId, ...(after === undefined ? {} : { id: { gt: after } }) }, orderBy: { id: "asc" }, take }),

  /**
   * Takes one pending trial for this process. The conditional update is the
   * claim: if another worker took the same row first, it reports 0 rows and
   * the next pending one is tried.
   */
  async claimTrial(experimentId: string): Promise<TrialRow | null> {
    const client = db().client;
    for (let tries = 0; tries < 5; tries++) {
      const next = await client.trial.findFirst({ where: { experimentId, status: "pending" }, orderBy: { id: "asc" } });
      if (!next) return null;
      const { count } = await client.trial.updateMany({ where: { id: next.id, status: "pending" }, data: { status: "running", attempts: { increment: 1 } } });
      if (count === 1) return { ...next, status: "running", attempts: next.attempts + 1 };
    }
    return null;
  },

  async finishTrial(id: string, status: "done" | "failed", result: Partial<TrialResult>): Promise<void> {
    await db().client.trial.update({ where: { id }, data: { status, ...result, finishedAt: new Date() } });
  },

  async addAttempt(id: string): Promise<void> {
    await db().client.trial.update({ where: { id }, data: { attempts: { increment: 1 } } });
  },

  /** Trials a stopped process left "running" go back to pending (they never finished). */
  async requeueRunning(experimentId?: string): Promise<number> {
    return (await db().client.trial.updateMany({ where: { status: "running", ...(experimentId ? { experimentId } : {}) }, data: { status: "pending" } })).count;
  },

  /** Failed trials of an experiment get another chance (resume). */
  async requeueFailed(experimentId: string): Promise<number> {
    return (await db().client.trial.updateMany({ where: { experimentId, status: "failed" }, data: { status: "pending", error: null } })).count;
  },

  /** Gateway records of an experiment's calls (app "calibration", task = the experiment id). */
  async recordCount(experimentId: string): Promise<number> {
    return db().client.requestRecord.count({ where: { app: "calibration", task: experimentId } });
  },

  /** What an item built from stored requests needs of them. */
  requestsForItems: (ids: string[]): Promise<{ id: string; prompt: string | null; system: string | null; answer: string | null }[]> =>
    db().client.requestRecord.findMany({ where: { id: { in: ids } }, select: { id: true, prompt: true, system: true, answer: true } }),

  /** A route's traffic in [from, to): requests, priced ones and their cost, escalations. Calibration calls are not the route's traffic. */
  async routeWindow(routeId: string, from: Date, to: Date): Promise<{ requests: number; priced: number; cost: number; escalated: number }> {
    const where = { routeId, createdAt: { gte: from, lt: to }, OR: [{ app: null }, { app: { not: "calibration" } }] };
    const client = db().client;
    const [all, priced, escalated] = await Promise.all([
      client.requestRecord.count({ where }),
      client.requestRecord.aggregate({ where: { ...where, costTotal: { not: null } }, _count: { _all: true }, _sum: { costTotal: true } }),
      client.requestRecord.count({ where: { ...where, escalated: true } }),
    ]);
    return { requests: all, priced: priced._count._all, cost: priced._sum.costTotal ?? 0, escalated };
  },
};
