/**
 * POST /api/playground/run: one playground side (standard or reasoning),
 * streamed. It builds an ordinary Messages request and hands it to the
 * gateway's own handler, in process, with the caller's credentials: the same
 * auth, routing, upstream, relay and recorder as any client request, so a
 * playground run is recorded and costed like real traffic.
 */
import { z } from "zod";
import { handleMessages } from "../gateway/messages";
import { bodyOf, type Handler } from "../api/http";
import { withApi } from "../api/wrap";
import { playgroundHeaders, playgroundMessagesBody } from "./request";

const runBody = z
  .object({
    prompt: z.string().min(1, "prompt: must not be empty").max(200_000),
    system: z.string().max(50_000).optional(),
    app: z.string().trim().max(200).optional(),
    task: z.string().trim().max(200).optional(),
    tier: z.enum(["standard", "reasoning"]),
  })
  .strict();

/**
 * The caller's credentials, whichever way they came (key header, bearer token
 * or session cookie with its CSRF token): the gateway checks them again, as
 * for any request. x-forwarded-proto says which session cookie counts
 * (__Host- over HTTPS: lib/auth/session.ts).
 */
const CREDENTIAL_HEADERS = ["x-api-key", "authorization", "cookie", "x-csrf-token", "x-forwarded-proto"];

export const runPlayground: Handler = withApi({ role: "viewer", body: runBody }, async ({ req, body }) => {
  const headers: Record<string, string | undefined> = { "content-type": "application/json", ...playgroundHeaders(body, body.tier) };
  for (const h of CREDENTIAL_HEADERS) if (req.headers[h]) headers[h] = req.headers[h];
  const text = JSON.stringify(playgroundMessagesBody(body, true));
  return handleMessages({
    method: "POST",
    path: "/api/v1/messages",
    query: new URLSearchParams(),
    headers,
    params: {},
    ...bodyOf(text),
    // The browser closing the page cancels the upstream call too.
    signal: req.signal,
  }, { via: "playground" });
});
