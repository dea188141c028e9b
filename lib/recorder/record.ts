/** The shape of one stored request record (mirrors model RequestRecord). */
export interface RequestRecordRow {
  id: string;
  createdAt: Date;
  keyId: string | null;
  /** messages, openai, playground or calibration (lib/gateway/messages.ts, Via). */
  via: string;
  /** The client's user-agent. */
  client: string | null;
  app: string | null;
  task: string | null;
  stage: string;
  reason: string;
  ruleId: string | null;
  score: number | null;
  threshold: number | null;
  tier: string;
  routeId: string | null;
  routeName: string | null;
  requestedModel: string;
  servedModel: string;
  thinkingConfig: string | null;
  maxTokensRequested: number | null;
  maxTokensSent: number | null;
  adjustments: string;
  hops: string;
  escalated: boolean;
  stream: boolean;
  status: "ok" | "error" | "partial";
  httpStatus: number;
  errorType: string | null;
  errorMessage: string | null;
  stopReason: string | null;
  upstreamRequestId: string | null;
  latencyMs: number;
  ttftMs: number | null;
  inputTokens: number;
  cacheWrite5mTokens: number;
  cacheWrite1hTokens: number;
  cacheReadTokens: number;
  outputTokens: number;
  thinkingTokens: number;
  /**
   * The served answer's own buckets and cost (the columns above sum every upstream call); null when it
   * reported no usage. Optional: rows built elsewhere (the synthetic seed) leave them out and read the totals.
   */
  answerInputTokens?: number | null;
  answerCacheWrite5mTokens?: number | null;
  answerCacheWrite1hTokens?: number | null;
  answerCacheReadTokens?: number | null;
  answerOutputTokens?: number | null;
  answerThinkingTokens?: number | null;
  answerCost?: number | null;
  /** Server tool uses (usage.server_tool_use), summed over upstream calls. Optional as the answer's columns are. */
  webSearchRequests?: number;
  webFetchRequests?: number;
  /** "unknown": the gateway stopped before the answer's usage came (an interrupted request, build.ts INTERRUPTED). */
  pricingStatus: "priced" | "unpriced" | "not_billed" | "unknown";
  /** What the request counted against its key's and app's daily budgets (USD); null when neither had one. Optional as the answer's columns are. */
  budgetUsd?: number | null;
  costInput: number | null;
  costCacheWrite: number | null;
  costCacheRead: number | null;
  costOutput: number | null;
  costThinking: number | null;
  /** Server tools' fees; optional as the answer's columns are. */
  costServerTools?: number | null;
  costTotal: number | null;
  counterfactualCost: number | null;
  system: string | null;
  prompt: string | null;
  messageCount: number;
  hasTools: boolean;
  answer: string | null;
  thinkingStatus: "none" | "text" | "omitted" | "redacted" | "empty";
  /** Null when no text came back, or when sampling left it out (thinkingSampledOut). */
  thinkingText: string | null;
  /** The thinking came back as text but sampling (lib/traces/sampling.ts) did not store it. */
  thinkingSampledOut?: boolean;

  // Signals, counted when the record is built (lib/traces/record-signals.ts).
  // Optional: rows built elsewhere (the synthetic seed) may leave them out.
  /** Hedges in the thinking and the answer; null when there was nothing to read. */
  hedgeCount?: number | null;
  /** The other kinds, counted the same way. */
  assumptionCount?: number | null;
  selfCorrectionCount?: number | null;
  alternativeCount?: number | null;
  stuckCount?: number | null;
  /** Per 1,000 words of the thinking; null without thinking text. */
  hedgeDensity?: number | null;
  assumptionDensity?: number | null;
  /** Per 1,000 words of the answer. */
  answerHedgeDensity?: number | null;
  /** JSON {"total":[10 numbers],"hedge":[10 numbers]}: density per tenth of the thinking. */
  signalProfile?: string | null;
  /** JSON array of the thinking's normalised assumptions (lib/traces/patterns.ts). */
  assumptionKeys?: string | null;
  /** The conversation's pin key (lib/routing/request.ts): the calls of one agent loop share it. */
  conversationKey?: string | null;
  /** JSON [{id, name, input}]: tool calls in the answer. */
  toolCalls?: string | null;
  /** JSON [{toolUseId, content, isError}]: tool results the last user turn carried. */
  toolResults?: string | null;
  /** Probability that the answer is wrong (lib/traces/failure-score.ts); null without thinking. */
  failureScore?: number | null;
  /** JSON array of the score's reasons, strongest first. */
  failureReasons?: string | null;
}
