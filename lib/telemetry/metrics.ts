/**
 * Prometheus metrics of the gateway (scraped at GET /metrics).
 *
 * Observations are made off the response path, when a request's record is
 * built (lib/telemetry/observe.ts). Label values are bounded: routes come
 * from the routing configuration (a calibration trial's per-experiment route
 * counts as "calibration"), models are the priced ones (anything else
 * counts as "other"), statuses and kinds are fixed sets; never free text
 * such as an app name a client sends.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

function build() {
  const registry = new Registry();
  // Process metrics: CPU, memory, event loop lag, handles.
  collectDefaultMetrics({ register: registry });
  const m = {
    registry,
    requests: new Counter({
      name: "thinkgate_requests_total",
      help: "Gateway requests (POST /v1/messages) by route, tier, routing stage, outcome and HTTP status.",
      labelNames: ["route", "tier", "stage", "status", "code"] as const,
      registers: [registry],
    }),
    tokens: new Counter({
      name: "thinkgate_tokens_total",
      help: "Tokens of every upstream call (classifier, escalated answers, fallbacks, the answer served), by bucket: input (uncached), output (without thinking), thinking, cache_read, cache_write.",
      labelNames: ["route", "model", "kind"] as const,
      registers: [registry],
    }),
    cost: new Counter({
      name: "thinkgate_cost_usd_total",
      help: "Cost in US dollars of the priced upstream calls.",
      labelNames: ["route", "model"] as const,
      registers: [registry],
    }),
    duration: new Histogram({
      name: "thinkgate_request_duration_seconds",
      help: "Time from request arrival to the last byte of the response.",
      labelNames: ["route", "tier"] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600],
      registers: [registry],
    }),
    ttft: new Histogram({
      name: "thinkgate_ttft_seconds",
      help: "Time to first token of streamed responses.",
      labelNames: ["route"] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120],
      registers: [registry],
    }),
    escalations: new Counter({
      name: "thinkgate_escalations_total",
      help: "Answers set aside by their checks and asked again on another route.",
      labelNames: ["from_route", "to_route"] as const,
      registers: [registry],
    }),
    fallbacks: new Counter({
      name: "thinkgate_fallbacks_total",
      help: "Upstream calls that failed and were answered on a fallback route.",
      labelNames: ["from_route", "to_route"] as const,
      registers: [registry],
    }),
    circuits: new Gauge({
      name: "thinkgate_circuit_state",
      help: "Circuit breaker state of each upstream model this process has called: 0 closed, 1 half-open (probe calls only), 2 open (not called).",
      labelNames: ["model"] as const,
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: "thinkgate_recorder_queue_depth",
      help: "Request records waiting in memory to be written to the database.",
      registers: [registry],
    }),
    spoolBytes: new Gauge({
      name: "thinkgate_recorder_spool_bytes",
      help: "Size of the on-disk spool of request records, where records wait until the database has them.",
      registers: [registry],
    }),
    retentionRows: new Counter({
      name: "thinkgate_retention_rows_total",
      help: "Rows the retention sweep of this process deleted or cleared, by what: pins (deleted), records (deleted), record_text (cleared), batches (message batches and items deleted).",
      labelNames: ["what"] as const,
      registers: [registry],
    }),
    processErrors: new Counter({
      name: "thinkgate_process_errors_total",
      help: "Errors no code of this process caught, by kind: unhandled_rejection (logged; the process keeps serving), uncaught_exception (logged; the process drains, writes its records and exits with 1, for its supervisor to start it again).",
      labelNames: ["kind"] as const,
      registers: [registry],
    }),
    retentionFailures: new Counter({
      name: "thinkgate_retention_failures_total",
      help: "Retention sweep steps that failed (tried again at the next period), by what.",
      labelNames: ["what"] as const,
      registers: [registry],
    }),
  };
  return m;
}

export type GatewayMetrics = ReturnType<typeof build>;

const g = globalThis as unknown as { __thinkgateMetrics?: GatewayMetrics };

/** One registry per process (module reloads in development must not register the metrics twice). */
export function metrics(): GatewayMetrics {
  return (g.__thinkgateMetrics ??= build());
}
