/**
 * An HTTP proxy in front of an upstream (the standalone simulator) that can
 * hold the upstream's answer to the next Message Batch create: the create
 * goes through and the upstream accepts it, the proxy reads the whole answer
 * and tells the test, then keeps it from the gateway until released. A test
 * kills the gateway while it holds the answer: the moment between the
 * upstream accepting a batch and the gateway storing it, made certain.
 * It can also answer the next create itself with an error, or take it and
 * never answer, either way never reaching the upstream; and hold the next
 * results download the same way (the moment between a results request
 * passing its checks and its lines arriving).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface HeldAnswer {
  status: number;
  body: string;
}

export interface HoldingProxy {
  /** The proxy's base URL standing for the upstream's `target`. */
  baseURL: string;
  /** The next create's answer is held: resolved with it once the upstream has answered. */
  holdNextCreate(): Promise<HeldAnswer>;
  /** The next results download's answer is held, as a create's. */
  holdNextResults(): Promise<HeldAnswer>;
  /** The next create is answered with this status and body, never reaching the upstream. */
  refuseNextCreate(status: number, body: string): void;
  /** The next create is read whole and never answered nor passed on: resolved once it has arrived. */
  swallowNextCreate(): Promise<void>;
  /** Lets a held answer go to the gateway (when it is still connected). */
  release(): void;
  close(): Promise<void>;
}

const isCreate = (req: http.IncomingMessage) => req.method === "POST" && /\/v1\/messages\/batches\/?(\?.*)?$/.test(req.url ?? "");
const isResults = (req: http.IncomingMessage) => req.method === "GET" && /\/v1\/messages\/batches\/[^/]+\/results\/?(\?.*)?$/.test(req.url ?? "");

export async function startHoldingProxy(target: string): Promise<HoldingProxy> {
  const to = new URL(target);
  let hold: { match: (req: http.IncomingMessage) => boolean; resolve: (a: HeldAnswer) => void } | null = null;
  let refusal: HeldAnswer | null = null;
  let releaseHeld: (() => void) | null = null;
  let swallow: (() => void) | null = null;
  const server = http.createServer((req, res) => {
    if (isCreate(req) && swallow) {
      const arrived = swallow;
      swallow = null;
      req.resume();
      req.on("end", arrived);
      return;
    }
    if (isCreate(req) && refusal) {
      const r = refusal;
      refusal = null;
      req.resume();
      req.on("end", () => res.writeHead(r.status, { "content-type": "application/json" }).end(r.body));
      return;
    }
    const holding = hold?.match(req) ? hold.resolve : null;
    if (holding) hold = null;
    const out = http.request({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers: { ...req.headers, host: to.host } }, (up) => {
      if (!holding) {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
        return;
      }
      const chunks: Buffer[] = [];
      up.on("data", (c: Buffer) => chunks.push(c));
      up.on("end", () => {
        const body = Buffer.concat(chunks);
        releaseHeld = () => {
          if (!res.destroyed) res.writeHead(up.statusCode ?? 502, up.headers).end(body);
        };
        holding({ status: up.statusCode ?? 0, body: body.toString("utf8") });
      });
    });
    out.on("error", () => res.destroy());
    req.pipe(out);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    baseURL: `http://127.0.0.1:${port}${to.pathname.replace(/\/$/, "")}`,
    holdNextCreate: () => new Promise<HeldAnswer>((resolve) => (hold = { match: isCreate, resolve })),
    holdNextResults: () => new Promise<HeldAnswer>((resolve) => (hold = { match: isResults, resolve })),
    refuseNextCreate: (status, body) => void (refusal = { status, body }),
    swallowNextCreate: () => new Promise<void>((resolve) => (swallow = resolve)),
    release: () => {
      releaseHeld?.();
      releaseHeld = null;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
