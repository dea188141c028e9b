/** The stored requests what-if replay re-decides: only the fields the router and the cost estimate read. */
import type { ReplayRecord } from "../rules/replay";
import { db } from "./client";
import { newestInPages } from "./pages";

/** Records read per statement (newestInPages): prompts run to megabytes, so 5,000 of them come in slices with turns between. */
const PAGE = 250;

export const replayRepo = {
  /** The newest `limit` requests, newest first (ids sort by time). */
  recent(limit: number): Promise<ReplayRecord[]> {
    return newestInPages(limit, PAGE, readPage);
  },
};

async function readPage(before: string | undefined, take: number): Promise<ReplayRecord[]> {
  const rows = await db().client.requestRecord.findMany({
    where: before === undefined ? {} : { id: { lt: before } },
    orderBy: { id: "desc" },
    take,
    select: {
      id: true,
      createdAt: true,
      prompt: true,
      system: true,
      task: true,
      app: true,
      requestedModel: true,
      hasTools: true,
      stage: true,
      textClearedAt: true,
      tier: true,
      routeId: true,
      inputTokens: true,
      cacheWrite5mTokens: true,
      cacheWrite1hTokens: true,
      cacheReadTokens: true,
      outputTokens: true,
      thinkingTokens: true,
      costTotal: true,
      counterfactualCost: true,
    },
  });
  return rows.map((r) => ({
    id: r.id,
    createdAt: r.createdAt,
    prompt: r.prompt,
    system: r.system,
    task: r.task,
    app: r.app,
    requestedModel: r.requestedModel,
    hasTools: r.hasTools,
    stage: r.stage,
    textCleared: r.textClearedAt !== null,
    tier: r.tier,
    routeId: r.routeId,
    buckets: {
      input: r.inputTokens,
      cacheWrite5m: r.cacheWrite5mTokens,
      cacheWrite1h: r.cacheWrite1hTokens,
      cacheRead: r.cacheReadTokens,
      output: r.outputTokens,
      thinking: r.thinkingTokens,
    },
    costTotal: r.costTotal,
    counterfactualCost: r.counterfactualCost,
  }));
}
