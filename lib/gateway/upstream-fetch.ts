/**
 * The `fetch` the SDK client uses for upstream calls: node:http(s) with a
 * keep-alive agent instead of the global fetch (undici).
 *
 * Profiled under load, the global fetch was the largest single cost of a
 * gateway request: WHATWG Request/Headers objects, web streams for the body
 * and their transfer machinery, about a fifth of the process's CPU time per
 * request. The SDK still builds every request (URL, auth, version and beta
 * headers, timeout) and maps every failure to its error classes; only the
 * bytes go over node:http. The Response handed back carries what the SDK and
 * the gateway read: status, headers (read-only, see ResponseHeaders), text()/json()/arrayBuffer(), and a
 * body that is an async iterable of byte chunks (the relay reads it with
 * for-await, as it did the web stream).
 *
 * No accept-encoding is sent, so answers come uncompressed (as the relay
 * passes the bytes on as they are, a compressed body would need decoding).
 *
 * An error answer (status 400 and above) is read whole here and scrubbed of
 * secrets (lib/observability/secrets.ts) before anything else sees it: the
 * SDK builds its errors from this body, and the gateway relays them, logs
 * them and records them. An upstream or proxy that echoes the credential it
 * was sent in an error would otherwise pass it on to the gateway's clients.
 */
import http from "node:http";
import https from "node:https";
import { Readable } from "node:stream";
import { AppError, errorBody, errorTypeForStatus } from "../api/errors";
import { jsonDepthExceeds, MAX_JSON_DEPTH } from "../api/json-body";
import { scrubSecrets } from "../observability/secrets";

// Sockets kept per upstream host: enough for the concurrency a gateway process
// sees, without a cap that would queue requests behind each other.
const agentOptions: http.AgentOptions = { keepAlive: true, keepAliveMsecs: 30_000, maxFreeSockets: 256, scheduling: "lifo" };
const agents = { "http:": new http.Agent(agentOptions), "https:": new https.Agent(agentOptions) };

function abortError(signal: AbortSignal): Error {
  const reason = signal.reason as unknown;
  if (reason instanceof Error && reason.name === "AbortError") return reason;
  const err = new Error("This operation was aborted");
  err.name = "AbortError";
  return err;
}

/**
 * The read side of WHATWG Headers over the headers node:http already parsed
 * (names lowercased, repeats joined with ", " — set-cookie aside, which an
 * Anthropic answer does not carry). A real Headers object validates every
 * name and value again through undici's WebIDL converters, measured at ~3 %
 * of the gateway's CPU per request for headers that only get read: the SDK
 * and the gateway call get(), has() and entries().
 */
class ResponseHeaders {
  constructor(private readonly h: http.IncomingHttpHeaders) {}

  get(name: string): string | null {
    const v = this.h[name.toLowerCase()];
    return v === undefined ? null : Array.isArray(v) ? v.join(", ") : v;
  }

  has(name: string): boolean {
    return this.h[name.toLowerCase()] !== undefined;
  }

  getSetCookie(): string[] {
    const v = this.h["set-cookie"];
    return v === undefined ? [] : Array.isArray(v) ? v : [v];
  }

  *entries(): IterableIterator<[string, string]> {
    for (const name of Object.keys(this.h).sort()) yield [name, this.get(name)!];
  }

  *keys(): IterableIterator<string> {
    for (const [name] of this.entries()) yield name;
  }

  *values(): IterableIterator<string> {
    for (const [, value] of this.entries()) yield value;
  }

  forEach(fn: (value: string, name: string, parent: this) => void): void {
    for (const [name, value] of this.entries()) fn(value, name, this);
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}

class UpstreamResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
  readonly redirected = false;
  readonly type = "basic";
  bodyUsed = false;

  constructor(
    readonly url: string,
    private readonly res: http.IncomingMessage,
    /** The body already read (an error's, scrubbed); otherwise it is read from `res`. */
    private readonly read?: Buffer,
  ) {
    this.status = res.statusCode ?? 0;
    this.ok = this.status >= 200 && this.status < 300;
    this.statusText = res.statusMessage ?? "";
    this.headers = new ResponseHeaders(res.headers) as unknown as Headers;
  }

  /** Byte chunks as they arrive (async iterable, like a web ReadableStream in Node). */
  get body(): Readable {
    return this.read ? Readable.from([this.read]) : this.res;
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const buf = await this.bytes();
    return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
  }

  async text(): Promise<string> {
    return (await this.bytes()).toString("utf8");
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  private bytes(): Promise<Buffer> {
    if (this.bodyUsed) return Promise.reject(new TypeError("Body is unusable: Body has already been read"));
    this.bodyUsed = true;
    return this.read ? Promise.resolve(this.read) : readAll(this.res);
  }
}

/**
 * The most of one upstream answer read whole (a JSON answer, an error's body):
 * many times any the API gives (128k output tokens are well under 1 MB, a
 * server tool's result a few MB). One larger is refused as it arrives: held,
 * decoded and parsed whole, a 300 MB answer took the process past its heap
 * and down, with every request in flight.
 */
export const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

export function answerTooLarge(): AppError {
  return new AppError("api_error", `the upstream's answer is larger than ${MAX_ANSWER_BYTES} bytes; it was not read`, { status: 502 });
}

function readAll(res: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    res.on("data", (d: Buffer) => {
      size += d.length;
      if (size > MAX_ANSWER_BYTES) {
        parts.length = 0;
        reject(answerTooLarge());
        res.destroy();
        return;
      }
      parts.push(d);
    });
    res.once("end", () => resolve(parts.length === 1 ? parts[0]! : Buffer.concat(parts)));
    res.once("error", reject);
    // Destroyed with a reason (a silence past the idle bound): that reason, not the abort it causes.
    res.once("aborted", () => reject(res.errored ?? new Error("the upstream closed the connection before the end of the body")));
  });
}

/**
 * The longest silence of an upstream answer once its headers are in
 * (THINKGATE_UPSTREAM_IDLE_MS, 5 minutes). The SDK's timeout ends when the
 * headers arrive; a body that then stalls (a stream silent after
 * message_start, a JSON body cut short by a proxy that keeps the connection
 * open) held its request, and its client, for as long as the connection
 * lived. The API sends ping events through a long stream, and a JSON
 * answer's body follows its headers at once, so minutes of silence is a
 * broken answer.
 */
export function upstreamIdleMs(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.THINKGATE_UPSTREAM_IDLE_MS);
  return Number.isFinite(v) && v > 0 ? v : 300_000;
}

// Read once: process.env is a lookup in C++, microseconds on every upstream call.
let idleMs: number | undefined;

export function upstreamSilent(ms: number): AppError {
  return new AppError("timeout_error", `the upstream's answer stalled: nothing arrived for ${Math.round(ms / 1000)} s after its headers`, { status: 504 });
}

/** Answers being read, with the bytes their socket had read when last seen moving, and since when. */
const watched = new Map<http.IncomingMessage, { ms: number; bytes: number; since: number }>();
let sweeper: NodeJS.Timeout | null = null;

/**
 * Ends an answer whose body goes silent for `ms`. One sweep a second over
 * the answers in flight compares what their sockets have read, rather than a
 * timer per answer: arming and clearing a socket timeout on every upstream
 * call cost the request path more than the check is worth.
 */
function limitSilence(res: http.IncomingMessage, ms: number): void {
  watched.set(res, { ms, bytes: res.socket.bytesRead, since: Date.now() });
  res.once("close", () => watched.delete(res));
  if (!sweeper) {
    sweeper = setInterval(sweepSilent, 1_000);
    sweeper.unref();
  }
}

function sweepSilent(): void {
  const now = Date.now();
  for (const [res, w] of watched) {
    const bytes = res.socket?.bytesRead ?? w.bytes;
    if (bytes !== w.bytes) Object.assign(w, { bytes, since: now });
    else if (now - w.since >= w.ms) {
      watched.delete(res);
      res.destroy(upstreamSilent(w.ms));
    }
  }
  if (!watched.size && sweeper) {
    clearInterval(sweeper);
    sweeper = null;
  }
}

/** An error answer, read whole and scrubbed; a body that breaks off is a failed fetch, as before its headers. */
async function scrubbedError(href: string, res: http.IncomingMessage): Promise<Response> {
  let body: Buffer;
  try {
    body = await readAll(res);
  } catch (err) {
    if ((err as Error).name === "AbortError") throw err;
    throw Object.assign(new TypeError("fetch failed"), { cause: err });
  }
  return new UpstreamResponse(href, res, Buffer.from(readableError(res.statusCode ?? 0, scrubSecrets(body.toString("utf8"))))) as unknown as Response;
}

/**
 * An error body the SDK can build its error from: the SDK puts the body into
 * the error's message with JSON.stringify, which overflowed the stack on one
 * nested 30,000 levels deep, and the upstream's 4xx became the gateway's 500.
 * One nested deeper than a request body may be is replaced by one in the
 * API's shape that says so; the status is kept.
 */
function readableError(status: number, text: string): string {
  if (!jsonDepthExceeds(text, MAX_JSON_DEPTH)) return text;
  return errorBody(errorTypeForStatus(status), `the upstream answered ${status} with an error body nested more than ${MAX_JSON_DEPTH} levels deep; it is not passed on`);
}

/** A fetch for the SDK client over node:http(s); see the module comment. */
export function upstreamFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
  const href = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
  const url = new URL(href);
  const headers: Record<string, string> = {};
  // The SDK hands over a Headers object already; anything else is normalised through one.
  const given = init.headers instanceof Headers ? init.headers : init.headers ? new Headers(init.headers) : null;
  if (given) for (const [k, v] of given) if (k !== "accept-encoding") headers[k] = v;
  const givenBody = init.body;
  // A file upload's body is relayed as it arrives (lib/files): a web stream, with the client's declared length if any.
  const streamed = givenBody instanceof ReadableStream ? Readable.fromWeb(givenBody as import("node:stream/web").ReadableStream<Uint8Array>) : null;
  const body = streamed ? null : givenBody;
  if (body !== undefined && body !== null && typeof body !== "string" && !(body instanceof Uint8Array)) {
    return Promise.reject(new TypeError("upstreamFetch sends string, byte or stream bodies only"));
  }
  if (body !== undefined && body !== null) headers["content-length"] = String(Buffer.byteLength(body));
  const signal = init.signal ?? undefined;
  if (signal?.aborted) return Promise.reject(abortError(signal));
  const client = url.protocol === "https:" ? https : http;
  const agent = url.protocol === "https:" ? agents["https:"] : agents["http:"];

  return new Promise((resolve, reject) => {
    const req = client.request({
      agent,
      protocol: url.protocol,
      hostname: url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname,
      port: url.port || undefined,
      path: url.pathname + url.search,
      method: (init.method ?? "GET").toUpperCase(),
      headers,
    });
    let res: http.IncomingMessage | null = null;
    const onAbort = () => {
      const err = abortError(signal!);
      // Before the answer: the fetch rejects; during the body: reading it fails.
      if (res) res.destroy(err);
      req.destroy(err);
      reject(err);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    const release = () => signal?.removeEventListener("abort", onAbort);
    req.once("response", (r) => {
      res = r;
      r.once("close", release);
      limitSilence(r, (idleMs ??= upstreamIdleMs()));
      if ((r.statusCode ?? 0) >= 400) resolve(scrubbedError(href, r));
      else resolve(new UpstreamResponse(href, r) as unknown as Response);
    });
    req.once("error", (err) => {
      release();
      reject(Object.assign(new TypeError("fetch failed"), { cause: err }));
    });
    if (streamed) {
      streamed.once("error", (err) => req.destroy(err));
      streamed.pipe(req);
    } else req.end(body ?? undefined);
  });
}
