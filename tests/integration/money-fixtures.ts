/**
 * Fixture traffic with known tokens, for the cost dashboard's money tests
 * (integration and e2e). The records are written as the gateway journals
 * them (one RecordInput JSON line each) into a spool directory before the
 * server starts, so the server costs them with its own price table on its
 * record thread, exactly as live traffic.
 *
 * Prices (seeded): claude-haiku-4-5 $1 in / $5 out per MTok; the reasoning
 * route is claude-opus-4-7 at $5 / $25, budget tier "complex".
 *
 * Recent traffic (yesterday and three days ago, nothing today):
 *   20 reasoning requests, task qa: 1,000 in, 300 out, thinking 3,000 (10) or 5,000 (10)
 *      → $0.0875 and $0.1375: $2.25
 *   40 standard requests, task qa, Haiku: 1,000 in, 200 out → $0.002 each: $0.08
 *    1 standard stream cut after 1 token: 1,000 in, 1 out → $0.001005 (not compared)
 *    2 requests for claude-nonexistent-9 that failed before any upstream call → not billed, $0
 *    1 standard request on a model without a price → unpriced
 *   10 calibration requests (one-off), Haiku, 500 in, 100 out, 8,400 thinking → $0.043 each: $0.43
 * Old traffic (60 days ago), too little reasoning to measure:
 *   10 standard requests, task qa, Haiku: 1,000 in, 200 out → $0.02
 *    5 reasoning requests: 1,000 in, 300 out, 4,000 thinking
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { newRequestId } from "../../lib/api/ids";
import type { RecordInput } from "../../lib/recorder/build";

const DAY = 86_400_000;
const HOUR = 3_600_000;

export interface MoneyExpected {
  spend: number;
  priced: number;
  unpriced: number;
  notBilled: number;
  requests: number;
  /** Savings over the recent traffic (measured) and the old (literature), with their bounds. */
  measured: { savings: number; low: number; high: number; counterfactual: number; actual: number; compared: number };
  literature: { savings: number; low: number; high: number; compared: number };
  /** Monthly projection without and with the one-off (calibration) traffic. */
  monthly: number;
  monthlyWithOneOff: number;
  oneOffRequests: number;
  /** The old traffic's window, for a custom range. */
  oldFrom: string;
  oldTo: string;
}

interface Line {
  at: number;
  tier: "standard" | "reasoning";
  routeId: string | null;
  routeName: string | null;
  model: string;
  requested?: string;
  via?: string;
  task?: string;
  app?: string;
  status?: "ok" | "error" | "partial";
  httpStatus?: number;
  usage?: { input: number; output: number; thinking: number };
}

function input(l: Line, i: number): RecordInput {
  const status = l.status ?? "ok";
  return {
    requestId: newRequestId(l.at + i),
    via: l.via ?? "messages",
    createdAt: l.at + i,
    keyId: null,
    request: { model: l.requested ?? l.model, maxTokens: 16_000, messageCount: 1, stream: status === "partial" },
    routable: { system: "", prompt: `fixture ${i} ${l.task ?? ""}`, app: l.app ?? null, task: l.task ?? null, hasTools: false },
    decision: { stage: "rule", reason: "fixture", ruleId: null, score: null, threshold: null, tier: l.tier, routeId: l.routeId, routeName: l.routeName },
    applied: { model: l.model, thinking: null, effort: null, maxTokens: 16_000, adjustments: [] },
    hops: [],
    reasoning: { model: "claude-opus-4-7", budgetTier: "complex" },
    outcome: {
      status,
      latencyMs: 100,
      httpStatus: l.httpStatus ?? 200,
      errorType: status === "ok" ? null : status === "partial" ? "api_error" : "not_found_error",
      errorMessage: status === "ok" ? null : "fixture failure",
      upstreamRequestId: null,
      ttftMs: null,
      observed: l.usage
        ? {
            usage: { input_tokens: l.usage.input, output_tokens: l.usage.output + l.usage.thinking, output_tokens_details: { thinking_tokens: l.usage.thinking } } as never,
            stopReason: status === "ok" ? "end_turn" : null,
            answer: "fixture answer",
            thinking: "",
            thinkingStatus: "none",
          }
        : null,
    },
  };
}

/** Writes the fixture's spool segment; returns the directory and what the dashboard must show. */
export function writeMoneySpool(now = Date.now()): { dir: string; expected: MoneyExpected } {
  const today = Math.floor(now / DAY) * DAY;
  const d1 = today - DAY + 10 * HOUR;
  const d3 = today - 3 * DAY + 15 * HOUR;
  const old = today - 60 * DAY + 12 * HOUR;
  const lines: Line[] = [];
  const std = { tier: "standard", routeId: "standard", routeName: "Standard", model: "claude-haiku-4-5", task: "qa" } as const;
  const rsn = { tier: "reasoning", routeId: "reasoning", routeName: "Reasoning", model: "claude-opus-4-7", task: "qa" } as const;
  for (let i = 0; i < 20; i++) lines.push({ ...rsn, at: d1 + i * 60_000, usage: { input: 1000, output: 300, thinking: i % 2 ? 5000 : 3000 } });
  for (let i = 0; i < 40; i++) lines.push({ ...std, at: (i % 2 ? d1 : d3) + 30 * 60_000 + i * 1000, usage: { input: 1000, output: 200, thinking: 0 } });
  lines.push({ ...std, at: d1 + 2 * HOUR, status: "partial", usage: { input: 1000, output: 1, thinking: 0 } });
  for (let i = 0; i < 2; i++) lines.push({ ...std, at: d1 + 3 * HOUR + i, model: "claude-nonexistent-9", status: "error", httpStatus: 404 });
  lines.push({ ...std, at: d3 + HOUR, model: "claude-unpriced-x", usage: { input: 100, output: 50, thinking: 0 } });
  for (let i = 0; i < 10; i++) {
    lines.push({
      tier: "standard", routeId: "calibration:exp1", routeName: "Haiku 4.5, thinking off", model: "claude-haiku-4-5", via: "calibration", task: "exp1", app: "calibration",
      at: d1 + 4 * HOUR + i * 1000, usage: { input: 500, output: 100, thinking: 8400 },
    });
  }
  for (let i = 0; i < 10; i++) lines.push({ ...std, at: old + i * 1000, usage: { input: 1000, output: 200, thinking: 0 } });
  for (let i = 0; i < 5; i++) lines.push({ ...rsn, at: old + HOUR + i * 1000, usage: { input: 1000, output: 300, thinking: 4000 } });

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "thinkgate-money-spool-"));
  const text = lines.map((l, i) => JSON.stringify(input(l, i))).join("\n") + "\n";
  fs.writeFileSync(path.join(dir, "000000000001.jsonl"), text);

  // What the dashboard must show, computed here from the tokens and prices above.
  const reasoningCost = 10 * (1000 * 5e-6 + 3300 * 25e-6) + 10 * (1000 * 5e-6 + 5300 * 25e-6);
  const standardCost = 40 * (1000 * 1e-6 + 200 * 5e-6);
  const partialCost = 1000 * 1e-6 + 1 * 5e-6;
  const calibrationCost = 10 * (500 * 1e-6 + 8500 * 5e-6);
  const recurring = reasoningCost + standardCost + partialCost;
  // Measured: 20 samples of 3,300 or 5,300 generated tokens (mean 4,300), applied to 40 requests.
  const counterfactual = 40 * (1000 * 5e-6 + 4300 * 25e-6);
  const sd = Math.sqrt((20 * 1000 ** 2) / 19);
  const half = 1.96 * 40 * 25e-6 * (sd / Math.sqrt(20));
  const measuredSavings = counterfactual - standardCost;
  // Literature: 9,000 thinking tokens (8,000–16,000) on the requests' own 200 output tokens.
  const lit = (thinking: number) => 10 * (1000 * 5e-6 + (200 + thinking) * 25e-6) - 10 * 0.002;
  return {
    dir,
    expected: {
      spend: recurring + calibrationCost,
      priced: 20 + 40 + 1 + 10,
      unpriced: 1,
      notBilled: 2,
      requests: 20 + 40 + 1 + 2 + 1 + 10,
      measured: { savings: measuredSavings, low: measuredSavings - half, high: measuredSavings + half, counterfactual, actual: standardCost, compared: 40 },
      literature: { savings: lit(9000), low: lit(8000), high: lit(16_000), compared: 10 },
      monthly: (recurring / 2) * 30,
      monthlyWithOneOff: ((recurring + calibrationCost) / 2) * 30,
      oneOffRequests: 10,
      oldFrom: new Date(today - 70 * DAY).toISOString(),
      oldTo: new Date(today - 50 * DAY).toISOString(),
    },
  };
}
