/**
 * Prepares request summaries for display: every presentation decision (labels,
 * tones, units, what to show when the served model differs from the requested
 * one) is made here, in a pure function, so the table and the narrow-screen
 * cards only draw what they are given.
 */

import { formatDuration, formatRelativeTime, formatTimestamp, formatTokens, formatUsd } from "./format";
import type { RequestStatus, RequestSummary, Tier } from "./types";

/** Colour families; components map each to Tailwind classes. */
export type Tone = "neutral" | "reasoning" | "standard" | "success" | "warning" | "danger";

export interface RequestRow {
  id: string;
  href: string;
  /** "5m ago". */
  time: string;
  /** "2026-11-25 21:54:03", for the tooltip. */
  timeTitle: string;
  tier: { label: string; tone: Tone };
  escalated: boolean;
  stage: string;
  route: string;
  /** "app · task", or null when neither was sent. */
  context: string | null;
  model: {
    /** One model, or "requested → served". */
    label: string;
    requested: string;
    served: string;
    /** The router sent the request to another model than the client asked for. */
    changed: boolean;
  };
  tokens: {
    input: string;
    output: string;
    thinking: string;
    /** False when the model did not think: the cell is dimmed. */
    hasThinking: boolean;
    /** Plain words for a tooltip / screen reader. */
    title: string;
  };
  cost: { label: string; unpriced: boolean; title: string };
  latency: string;
  status: { label: string; tone: Tone; title: string };
  prompt: string;
}

const TIER_TONE: Record<Tier, Tone> = { reasoning: "reasoning", standard: "standard" };
const STATUS_TONE: Record<RequestStatus, Tone> = { ok: "success", partial: "warning", error: "danger" };

export function prepareRequestRow(r: RequestSummary, now: number): RequestRow {
  const changed = r.requestedModel !== r.servedModel;
  // A request that failed before any upstream call cost nothing: $0, "not
  // billed". Otherwise a cost is unknown when the server says so or sends no
  // number; both show "unpriced" rather than a misleading $0.
  const notBilled = r.pricingStatus === "not_billed";
  const unpriced = !notBilled && (r.pricingStatus === "unpriced" || r.costTotal === null);
  const context = [r.app, r.task].filter((s): s is string => !!s).join(" · ") || null;
  return {
    id: r.id,
    href: `/traces/${encodeURIComponent(r.id)}`,
    time: formatRelativeTime(r.createdAt, now),
    timeTitle: formatTimestamp(r.createdAt),
    tier: { label: r.tier, tone: TIER_TONE[r.tier] ?? "neutral" },
    escalated: r.escalated,
    stage: r.stage,
    route: r.routeName ?? "—",
    context,
    model: {
      label: changed ? `${r.requestedModel} → ${r.servedModel}` : r.servedModel,
      requested: r.requestedModel,
      served: r.servedModel,
      changed,
    },
    tokens: {
      input: formatTokens(r.inputTokens, { compact: true }),
      output: formatTokens(r.outputTokens, { compact: true }),
      thinking: formatTokens(r.thinkingTokens, { compact: true }),
      hasThinking: r.thinkingTokens > 0,
      title: `${formatTokens(r.inputTokens)} input, ${formatTokens(r.outputTokens)} output, ${formatTokens(r.thinkingTokens)} thinking tokens`,
    },
    cost: notBilled
      ? { label: "$0 · not billed", unpriced: false, title: "Failed before any upstream call: nothing was billed." }
      : unpriced
      ? { label: formatUsd(null), unpriced: true, title: `No price is set for ${r.servedModel}, so this request's cost is unknown.` }
      : { label: formatUsd(r.costTotal), unpriced: false, title: `${(r.costTotal ?? 0).toLocaleString("en-US", { style: "currency", currency: "USD", maximumFractionDigits: 8 })} total` },
    latency: formatDuration(r.latencyMs),
    status: {
      // A partial answer (a stream cut mid-way) usually carries a 200, so the
      // status code only adds information for errors.
      label: r.status === "error" ? `error ${r.httpStatus}` : r.status,
      tone: STATUS_TONE[r.status] ?? "neutral",
      title: `HTTP ${r.httpStatus}`,
    },
    prompt: r.promptPreview.replace(/\s+/g, " ").trim(),
  };
}

export function prepareRequestRows(rows: RequestSummary[], now: number): RequestRow[] {
  return rows.map((r) => prepareRequestRow(r, now));
}
