/** Managing gateway keys (admin only): create, set limits, apps and client-thinking policy, revoke. A new key's secret is in the create response and nowhere else. */
import { z } from "zod";
import { notFound } from "../api/errors";
import { json, type Handler } from "../api/http";
import { withApi } from "../api/wrap";
import { keysRepo } from "../db/keys.repo";
import { announceChange } from "../cluster/bus";
import { clearKeyCache, createKey, ROLES } from "../gateway/keys";
import { fromColumns, limitsSchema, NO_LIMITS, toColumns, type LimitColumns } from "../limits/policy";
import { DEFAULT_THINKING_POLICY, thinkingPolicySchema, toThinkingPolicy } from "../models/client-thinking";
import { requestsRepo } from "../db/requests.repo";
import { fromAppsColumn, keyAppsSchema, toAppsColumn } from "./apps";

const createBody = z.object({
  name: z.string().trim().min(1).max(100),
  role: z.enum(ROLES as [string, ...string[]]),
  /** rpm and daily budget of the key (lib/limits); omitted: none. */
  limits: limitsSchema.nullable().optional(),
  /** What the gateway does with thinking the key's clients send; omitted: honour. */
  thinking: thinkingPolicySchema.optional(),
  /** The apps the key may be used for, the default first (lib/keys/apps.ts); omitted or null: any. */
  apps: keyAppsSchema.optional(),
});

const patchBody = z
  .object({ limits: limitsSchema.nullable().optional(), thinking: thinkingPolicySchema.optional(), apps: keyAppsSchema.optional() })
  .strict()
  .refine((b) => b.limits !== undefined || b.thinking !== undefined || b.apps !== undefined, { message: "give at least one of limits, thinking, apps" });

type KeyFields = { id: string; name: string; prefix: string; role: string; createdAt: Date; revokedAt: Date | null; lastUsedAt: Date | null; thinkingPolicy?: string; thinkingCap?: string | null; apps?: string | null } & Partial<LimitColumns>;

const view = (k: KeyFields) => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  role: k.role,
  createdAt: k.createdAt,
  revokedAt: k.revokedAt,
  lastUsedAt: k.lastUsedAt,
  limits: fromColumns(k),
  thinking: toThinkingPolicy(k.thinkingPolicy, k.thinkingCap) ?? DEFAULT_THINKING_POLICY,
  apps: fromAppsColumn(k.apps),
});

/** The user-agent a key's requests came with last (from its records), for the Settings page. */
async function withClient(k: KeyFields) {
  return { ...view(k), client: await requestsRepo.lastClient({ keyId: k.id }) };
}

export const listKeys: Handler = withApi({ role: "admin" }, async () => json(200, { data: await Promise.all((await keysRepo.list()).map(withClient)) }));

export const createKeyHandler: Handler = withApi({ role: "admin", body: createBody }, async ({ body }) => {
  const { secret, key } = await createKey(body.name, body.role as never);
  const limited = body.limits ? await keysRepo.setLimits(key.id, toColumns(body.limits)) : null;
  const policy = body.thinking ? await keysRepo.setThinkingPolicy(key.id, { thinkingPolicy: body.thinking.policy, thinkingCap: body.thinking.cap }) : null;
  const bound = body.apps ? await keysRepo.setApps(key.id, toAppsColumn(body.apps)) : null;
  return json(201, { ...view(bound ?? policy ?? limited ?? key), secret });
});

export const revokeKey: Handler = withApi({ role: "admin" }, async ({ req }) => {
  const id = req.params.id ?? "";
  const existing = (await keysRepo.list()).find((k) => k.id === id);
  if (!existing) throw notFound(`key ${id} not found`);
  await keysRepo.revoke(id);
  clearKeyCache();
  // Every instance forgets its cached lookups: the key stops working everywhere within milliseconds.
  await announceChange("keys");
  return json(200, { ...view({ ...existing, revokedAt: new Date() }) });
});

/** Changes a key's limits (null: none), client-thinking policy and apps (null: any); every instance applies them to the key's next request. */
export const patchKey: Handler = withApi({ role: "admin", body: patchBody }, async ({ req, body }) => {
  const id = req.params.id ?? "";
  let updated = body.limits !== undefined ? await keysRepo.setLimits(id, toColumns(body.limits ?? NO_LIMITS)) : null;
  if (body.thinking) updated = await keysRepo.setThinkingPolicy(id, { thinkingPolicy: body.thinking.policy, thinkingCap: body.thinking.cap });
  if (body.apps !== undefined) updated = await keysRepo.setApps(id, toAppsColumn(body.apps));
  if (!updated) throw notFound(`key ${id} not found`);
  clearKeyCache();
  await announceChange("keys");
  return json(200, view(updated));
});
