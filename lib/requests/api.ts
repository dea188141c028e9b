/** Read API over stored request records. */
import { z } from "zod";
import { notFound } from "../api/errors";
import { json, type Handler } from "../api/http";
import { withApi } from "../api/wrap";
import { requestsRepo } from "../db/requests.repo";

const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(64).optional(),
});

const PREVIEW = 160;

export const listRequests: Handler = withApi({ role: "viewer" }, async ({ req }) => {
  const q = listQuery.parse(Object.fromEntries(req.query));
  const { rows, nextCursor } = await requestsRepo.list(q.limit, q.cursor);
  return json(200, {
    data: rows.map(({ prompt, ...r }) => ({ ...r, promptPreview: (prompt ?? "").slice(0, PREVIEW) })),
    nextCursor,
  });
});

function parseJsonField(value: string | null): unknown {
  if (value === null) return null;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

export const getRequest: Handler = withApi({ role: "viewer" }, async ({ req }) => {
  const row = await requestsRepo.byId(req.params.id ?? "");
  if (!row) throw notFound(`request ${req.params.id} not found`);
  return json(200, {
    ...row,
    thinkingConfig: parseJsonField(row.thinkingConfig),
    adjustments: parseJsonField(row.adjustments),
    hops: parseJsonField(row.hops),
    decision: { stage: row.stage, reason: row.reason, ruleId: row.ruleId, score: row.score, threshold: row.threshold, tier: row.tier, routeId: row.routeId, routeName: row.routeName },
    usage: {
      inputTokens: row.inputTokens,
      cacheWrite5mTokens: row.cacheWrite5mTokens,
      cacheWrite1hTokens: row.cacheWrite1hTokens,
      cacheReadTokens: row.cacheReadTokens,
      outputTokens: row.outputTokens,
      thinkingTokens: row.thinkingTokens,
    },
    cost: {
      pricingStatus: row.pricingStatus,
      input: row.costInput,
      cacheWrite: row.costCacheWrite,
      cacheRead: row.costCacheRead,
      output: row.costOutput,
      thinking: row.costThinking,
      total: row.costTotal,
      counterfactualReasoning: row.counterfactualCost,
    },
  });
});
