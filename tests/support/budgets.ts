/**
 * What the budget tests share: the management API called with the admin key,
 * a request sent as a key and an app through the official SDK, and a refusal
 * read the way the SDK reports it.
 */
import Anthropic from "@anthropic-ai/sdk";
import crypto from "node:crypto";
import { expect } from "vitest";
import type { TestServer } from "./server";

/** The management API with the server's admin key: the status and the parsed body (null when empty). */
export async function adminApi(s: Pick<TestServer, "url" | "adminKey">, method: string, p: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(s.url + p, {
    method,
    headers: { "x-api-key": s.adminKey, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** A small standard request as `key`, counted for `app`; each prompt differs, so no cache answers it. */
export const askAsApp = (s: Pick<TestServer, "baseURL">, key: string, app: string) =>
  new Anthropic({ baseURL: s.baseURL, apiKey: key, maxRetries: 0 }).messages
    .create(
      { model: "claude-haiku-4-5", max_tokens: 64, messages: [{ role: "user", content: `What changed this week? ${crypto.randomBytes(4).toString("hex")}` }] },
      { headers: { "thinkgate-tier": "standard", "thinkgate-app": app } },
    )
    .withResponse();

/** The SDK's error when `p` was refused, null when it was served. */
export async function refusal(p: Promise<unknown>): Promise<InstanceType<typeof Anthropic.APIError> | null> {
  return p.then(
    () => null,
    (e: unknown) => {
      expect(e).toBeInstanceOf(Anthropic.APIError);
      return e as InstanceType<typeof Anthropic.APIError>;
    },
  );
}
