/**
 * The wire shapes the UI reads from thinkgate's /api/* read models, as the
 * browser sees them (dates are ISO strings). The server validates its
 * responses against its own zod schemas; these types are the client's copy of
 * that contract and must change with it.
 */

/** GET /api/health (no auth). */
export interface HealthResponse {
  status: "ok";
  /** "simulator" when no ANTHROPIC_API_KEY is set: answers come from the offline simulator. */
  mode: "simulator" | "anthropic";
  db: "sqlite" | "postgresql";
  version: string;
  /** What a client passes as the SDK's baseURL, e.g. "http://127.0.0.1:3000/api". */
  baseUrl: string;
}

export type Tier = "reasoning" | "standard";
export type RequestStatus = "ok" | "error" | "partial";

/** One row of GET /api/requests. */
export interface RequestSummary {
  id: string;
  /** ISO 8601. */
  createdAt: string;
  app: string | null;
  task: string | null;
  /** The router stage that decided: override, pin, context, rule, classifier, default, … */
  stage: string;
  tier: Tier;
  routeName: string | null;
  requestedModel: string;
  servedModel: string;
  status: RequestStatus;
  httpStatus: number;
  latencyMs: number;
  inputTokens: number;
  outputTokens: number;
  thinkingTokens: number;
  /** USD; null when the served model has no price. */
  costTotal: number | null;
  pricingStatus: "priced" | "unpriced" | "not_billed";
  /** Answered first by the standard route, then escalated to reasoning. */
  escalated: boolean;
  promptPreview: string;
}

/** A cursor-paginated list. */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}
