/**
 * A precise closed-loop HTTP load generator: N workers, each sending its next
 * request as soon as the previous one has completed, over node:http with a
 * keep-alive Agent of N sockets. Every request is timed with
 * process.hrtime.bigint() (nanoseconds), so sub-millisecond latencies keep
 * their resolution (autocannon's histogram rounds to milliseconds).
 *
 * A run is a warm-up phase (not recorded), all workers drained, then the
 * measured phase (a fixed count or a duration) started afresh. Nothing in a
 * response is parsed: for every request it records the time to the first
 * body byte (TTFB) and to the end of the body (TTLB), both from the moment
 * the request was handed to node:http.
 */
import http from "node:http";

export interface LoadTarget {
  /** Full URL, e.g. http://127.0.0.1:4010/api/simulator/v1/messages */
  url: string;
  method?: string;
  headers: Record<string, string>;
  body: Buffer;
}

export interface LoadOptions {
  concurrency: number;
  /** Requests sent before measuring, not recorded. */
  warmup: number;
  /** Measured requests (fixed count); or durationMs. */
  requests?: number;
  durationMs?: number;
  /** Per-request timeout. */
  timeoutMs?: number;
}

export interface LoadResult {
  concurrency: number;
  /** Measured requests completed (any outcome). */
  count: number;
  /** All requests sent, warm-up included. */
  sent: number;
  /** Answers with a 2xx status, warm-up included. */
  ok: number;
  /** Answers with a non-2xx status, warm-up included, by status. */
  non2xx: number;
  statuses: Record<string, number>;
  /** Network errors and timeouts (no answer), warm-up included. */
  errors: number;
  errorSamples: string[];
  /** Wall time of the measured phase, ms. */
  wallMs: number;
  /** Measured requests per second (count / wall time). */
  rps: number;
  /** Per measured request with a 2xx answer, ms. */
  ttfbMs: Float64Array;
  ttlbMs: Float64Array;
}

interface Sample {
  status: number;
  firstNs: bigint;
  endNs: bigint;
  error?: string;
}

const NS_PER_MS = 1_000_000;

function once(agent: http.Agent, url: URL, t: LoadTarget, timeoutMs: number): Promise<Sample> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (s: Sample) => {
      if (done) return;
      done = true;
      resolve(s);
    };
    const t0 = process.hrtime.bigint();
    let first = 0n;
    const req = http.request(
      { agent, hostname: url.hostname, port: url.port, path: url.pathname + url.search, method: t.method ?? "POST", headers: t.headers },
      (res) => {
        res.on("data", () => {
          if (first === 0n) first = process.hrtime.bigint();
        });
        res.on("end", () => {
          const end = process.hrtime.bigint();
          finish({ status: res.statusCode ?? 0, firstNs: (first || end) - t0, endNs: end - t0 });
        });
        res.on("error", (err) => finish({ status: 0, firstNs: 0n, endNs: 0n, error: err.message }));
        res.on("close", () => {
          if (!res.complete) finish({ status: 0, firstNs: 0n, endNs: 0n, error: "response closed before its end" });
        });
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on("error", (err) => finish({ status: 0, firstNs: 0n, endNs: 0n, error: err.message }));
    req.end(t.body);
  });
}

/** Runs warm-up then the measured phase against one target. */
export async function runLoad(target: LoadTarget, opts: LoadOptions): Promise<LoadResult> {
  const url = new URL(target.url);
  const headers = { ...target.headers, "content-length": String(target.body.length) };
  const t: LoadTarget = { ...target, headers };
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency, maxFreeSockets: opts.concurrency });
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const statuses: Record<string, number> = {};
  const errorSamples: string[] = [];
  let sent = 0;
  let ok = 0;
  let non2xx = 0;
  let errors = 0;

  const account = (s: Sample) => {
    sent++;
    if (s.error) {
      errors++;
      if (errorSamples.length < 5) errorSamples.push(s.error);
    } else if (s.status >= 200 && s.status < 300) ok++;
    else {
      non2xx++;
      statuses[s.status] = (statuses[s.status] ?? 0) + 1;
    }
  };

  try {
    // Warm-up: a fixed count shared by the workers, then all drained.
    let warmIssued = 0;
    await Promise.all(
      Array.from({ length: opts.concurrency }, async () => {
        while (warmIssued < opts.warmup) {
          warmIssued++;
          account(await once(agent, url, t, timeoutMs));
        }
      }),
    );

    const cap = opts.requests ?? Number.MAX_SAFE_INTEGER;
    const deadline = opts.durationMs !== undefined ? process.hrtime.bigint() + BigInt(Math.round(opts.durationMs * NS_PER_MS)) : null;
    const ttfb: number[] = [];
    const ttlb: number[] = [];
    let issued = 0;
    let count = 0;
    const start = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: opts.concurrency }, async () => {
        while (issued < cap && (deadline === null || process.hrtime.bigint() < deadline)) {
          issued++;
          const s = await once(agent, url, t, timeoutMs);
          account(s);
          count++;
          if (!s.error && s.status >= 200 && s.status < 300) {
            ttfb.push(Number(s.firstNs) / NS_PER_MS);
            ttlb.push(Number(s.endNs) / NS_PER_MS);
          }
        }
      }),
    );
    const wallMs = Number(process.hrtime.bigint() - start) / NS_PER_MS;
    return {
      concurrency: opts.concurrency,
      count,
      sent,
      ok,
      non2xx,
      statuses,
      errors,
      errorSamples,
      wallMs,
      rps: count / (wallMs / 1000),
      ttfbMs: Float64Array.from(ttfb).sort(),
      ttlbMs: Float64Array.from(ttlb).sort(),
    };
  } finally {
    agent.destroy();
  }
}

/** Percentile of sorted samples, linear interpolation between closest ranks (q in 0..1). */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  if (n === 1) return sorted[0]!;
  const pos = (n - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}
