/**
 * OpenTelemetry traces of gateway requests, exported over OTLP/HTTP when
 * OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set.
 *
 * Without an endpoint nothing here runs: traceRequest() returns undefined, no
 * SDK object is ever created, and the request path pays one boolean check.
 *
 * With one, the request path only draws ids and timestamps: a trace id and
 * span id for the request (its parent taken from the client's W3C
 * `traceparent`), and a span id per upstream call, sent upstream as that
 * call's `traceparent`, so the upstream's own spans hang under the call that
 * caused them. The spans themselves are built once the request is finished
 * and recorded (lib/telemetry/observe.ts), from what the record knows, so
 * nothing is held open while a long stream runs. The ids drawn early become
 * the spans' ids through an id generator that hands them out (PlannedIds).
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type SpanContext } from "@opentelemetry/api";
import { parseTraceParent, TraceState } from "@opentelemetry/core";
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from "@opentelemetry/resources";
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  RandomIdGenerator,
  SamplingDecision,
  TraceIdRatioBasedSampler,
  type IdGenerator,
  type Sampler,
} from "@opentelemetry/sdk-trace-base";
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from "@opentelemetry/semantic-conventions";

function configured(env: NodeJS.ProcessEnv): boolean {
  if (env.OTEL_SDK_DISABLED === "true" || env.OTEL_TRACES_EXPORTER === "none") return false;
  return !!(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim());
}

/** Read once at start: the exporter reads the same variables when it is built. */
const ENABLED = configured(process.env);

/**
 * The sampler named by OTEL_TRACES_SAMPLER (and OTEL_TRACES_SAMPLER_ARG for
 * the ratio), with the SDK's own samplers: always_on, always_off,
 * traceidratio, parentbased_always_on (the default), parentbased_always_off,
 * parentbased_traceidratio.
 */
export function samplerFromEnv(env: Record<string, string | undefined>): Sampler {
  const name = env.OTEL_TRACES_SAMPLER?.trim().toLowerCase() || "parentbased_always_on";
  const arg = Number(env.OTEL_TRACES_SAMPLER_ARG ?? "1");
  const ratio = Number.isFinite(arg) && arg >= 0 && arg <= 1 ? arg : 1;
  switch (name) {
    case "always_on":
      return new AlwaysOnSampler();
    case "always_off":
      return new AlwaysOffSampler();
    case "traceidratio":
      return new TraceIdRatioBasedSampler(ratio);
    case "parentbased_always_off":
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case "parentbased_traceidratio":
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
    case "parentbased_always_on":
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    default:
      throw new Error(`OTEL_TRACES_SAMPLER: unknown sampler "${env.OTEL_TRACES_SAMPLER}" (always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio)`);
  }
}

const SAMPLER = ENABLED ? samplerFromEnv(process.env) : null;

/** One upstream call of a request: its span id (sent upstream) and when it started (performance.now()). */
export interface UpstreamCall {
  spanId: string;
  start: number;
}

/** The router's call to its LLM classifier, timed here because it is not one of the forwarding calls. */
export interface ClassifierCall {
  spanId: string;
  model: string;
  start: number;
  end: number | null;
  error: string | null;
}

/** The ids of one request's trace, drawn when the request arrives. */
export interface RequestTrace {
  traceId: string;
  /** The request's own (SERVER) span. */
  spanId: string;
  /** The client's span, from its traceparent; null for a new trace. */
  parent: SpanContext | null;
  /** Upstream calls in the order they were made. */
  calls: UpstreamCall[];
  /** The LLM classifier's call, when routing asked it (a cached verdict makes none). */
  classifier?: ClassifierCall;
}

const ids = new RandomIdGenerator();

/**
 * The request's trace ids, or undefined when tracing is off or the sampler
 * (OTEL_TRACES_SAMPLER) leaves the request out: by default the client's
 * traceparent decides when there is one (a client's unsampled trace goes
 * upstream unchanged), and every new trace is kept.
 */
export function traceRequest(headers: Record<string, string | undefined>, sampler: Sampler | null = SAMPLER): RequestTrace | undefined {
  if (!sampler) return undefined;
  const header = headers["traceparent"];
  let parent: SpanContext | null = header ? parseTraceParent(header) : null;
  if (parent && trace.isSpanContextValid(parent)) {
    const state = headers["tracestate"];
    if (state) parent = { ...parent, traceState: new TraceState(state) };
  } else parent = null;
  const traceId = parent?.traceId ?? ids.generateTraceId();
  const context = parent ? trace.setSpanContext(ROOT_CONTEXT, { ...parent, isRemote: true }) : ROOT_CONTEXT;
  if (sampler.shouldSample(context, traceId, "gateway request", SpanKind.SERVER, {}, []).decision !== SamplingDecision.RECORD_AND_SAMPLED) return undefined;
  return { traceId, spanId: ids.generateSpanId(), parent, calls: [] };
}

/** Starts an upstream call: the traceparent to send with it, its span id kept for the span built later. */
export function traceUpstreamCall(t: RequestTrace): string {
  const call = { spanId: ids.generateSpanId(), start: performance.now() };
  t.calls.push(call);
  return `00-${t.traceId}-${call.spanId}-01`;
}

/** Starts the classifier's call: its traceparent, and what to call when it fails and when it ends. */
export function traceClassifierCall(t: RequestTrace, model: string): { traceparent: string; failed(error: string): void; end(): void } {
  const call: ClassifierCall = { spanId: ids.generateSpanId(), model, start: performance.now(), end: null, error: null };
  t.classifier = call;
  return {
    traceparent: `00-${t.traceId}-${call.spanId}-01`,
    failed: (error) => void (call.error = error),
    end: () => void (call.end = performance.now()),
  };
}

/** A finished span, described by value: built into an SDK span only when exported. */
export interface SpanSpec {
  name: string;
  kind: "server" | "client";
  spanId: string;
  /** Epoch milliseconds (fractional). */
  start: number;
  end: number;
  attributes: Attributes;
  error?: string | null;
}

/** Hands out the ids drawn on the request path to the spans built from them. */
class PlannedIds implements IdGenerator {
  traceId: string | null = null;
  spanId: string | null = null;
  generateTraceId(): string {
    const id = this.traceId ?? ids.generateTraceId();
    this.traceId = null;
    return id;
  }
  generateSpanId(): string {
    const id = this.spanId ?? ids.generateSpanId();
    this.spanId = null;
    return id;
  }
}

interface Sdk {
  provider: BasicTracerProvider;
  planned: PlannedIds;
}

let sdk: Sdk | null = null;

/**
 * The OTLP/HTTP exporter, loaded with the first span: it and the packages it
 * pulls in (the OTLP transformer, the metrics SDK) took ~110 ms of every
 * start, on servers that have no endpoint and never export.
 */
function otlpExporter(): typeof import("@opentelemetry/exporter-trace-otlp-http").OTLPTraceExporter {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require("@opentelemetry/exporter-trace-otlp-http") as typeof import("@opentelemetry/exporter-trace-otlp-http")).OTLPTraceExporter;
}

function startSdk(): Sdk {
  const planned = new PlannedIds();
  const resource = defaultResource()
    .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: "thinkgate", [ATTR_SERVICE_VERSION]: process.env.npm_package_version ?? "0.1.0" }))
    // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win over the defaults.
    .merge(detectResources({ detectors: [envDetector] }));
  const provider = new BasicTracerProvider({
    resource,
    // Sampling was decided when the request arrived (traceRequest): every span built here is kept.
    sampler: new AlwaysOnSampler(),
    idGenerator: planned,
    // OTEL_BSP_* set the batch size and delay; the exporter reads OTEL_EXPORTER_OTLP_*.
    spanProcessors: [new BatchSpanProcessor(new (otlpExporter())())],
  });
  return { provider, planned };
}

/**
 * Builds a request's spans, the SERVER span and its CLIENT children, with
 * the ids drawn while it ran, and queues them for export. Span creation is
 * synchronous, so the planned ids cannot be taken by another span.
 */
export function exportSpans(t: RequestTrace, server: SpanSpec, children: SpanSpec[]): void {
  sdk ??= startSdk();
  const { provider, planned } = sdk;
  const tracer = provider.getTracer("thinkgate");
  const build = (spec: SpanSpec, parent: Context) => {
    planned.traceId = t.traceId;
    planned.spanId = spec.spanId;
    const kind = spec.kind === "server" ? SpanKind.SERVER : SpanKind.CLIENT;
    const span = tracer.startSpan(spec.name, { kind, startTime: spec.start, attributes: spec.attributes }, parent);
    planned.traceId = null;
    if (spec.error) span.setStatus({ code: SpanStatusCode.ERROR, message: spec.error });
    span.end(spec.end);
    return span;
  };
  const root = build(server, t.parent ? trace.setSpanContext(ROOT_CONTEXT, { ...t.parent, isRemote: true }) : ROOT_CONTEXT);
  const inRequest = trace.setSpan(ROOT_CONTEXT, root);
  for (const child of children) build(child, inRequest);
}

/** Exports what is queued; called on shutdown so the last requests' spans are not lost. */
export async function shutdownTracing(): Promise<void> {
  if (!sdk) return;
  const { provider } = sdk;
  sdk = null;
  await provider.shutdown();
}
