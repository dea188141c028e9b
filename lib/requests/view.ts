/**
 * The stored record as the API shows it: JSON columns parsed, and the
 * decision, usage and cost grouped. GET /api/requests/{id} and the trace
 * explorer's GET /api/traces/{id} both answer with it.
 */
import type { RequestRecord } from "../db/generated/sqlite/client.ts";
import { billingStatus } from "../pricing/billing";

function parseJsonField(value: string | null): unknown {
  if (value === null) return null;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

export function recordView<R extends RequestRecord>(row: R) {
  const pricingStatus = billingStatus(row);
  return {
    ...row,
    pricingStatus,
    thinkingConfig: parseJsonField(row.thinkingConfig),
    adjustments: parseJsonField(row.adjustments),
    hops: parseJsonField(row.hops),
    toolCalls: parseJsonField(row.toolCalls),
    toolResults: parseJsonField(row.toolResults),
    failureReasons: parseJsonField(row.failureReasons),
    assumptionKeys: parseJsonField(row.assumptionKeys),
    signalProfile: parseJsonField(row.signalProfile),
    decision: {
      stage: row.stage,
      reason: row.reason,
      ruleId: row.ruleId,
      score: row.score,
      threshold: row.threshold,
      tier: row.tier,
      routeId: row.routeId,
      routeName: row.routeName,
    },
    usage: {
      inputTokens: row.inputTokens,
      cacheWrite5mTokens: row.cacheWrite5mTokens,
      cacheWrite1hTokens: row.cacheWrite1hTokens,
      cacheReadTokens: row.cacheReadTokens,
      outputTokens: row.outputTokens,
      thinkingTokens: row.thinkingTokens,
      /** Server tool uses (usage.server_tool_use), over every upstream call. */
      webSearchRequests: row.webSearchRequests,
      webFetchRequests: row.webFetchRequests,
    },
    cost: {
      pricingStatus,
      input: row.costInput,
      cacheWrite: row.costCacheWrite,
      cacheRead: row.costCacheRead,
      output: row.costOutput,
      thinking: row.costThinking,
      /** The server tools' fees, at the price table's fees. */
      serverTools: row.costServerTools,
      total: row.costTotal,
      counterfactualReasoning: row.counterfactualCost,
    },
  };
}
