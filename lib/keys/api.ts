/** Managing gateway keys (admin only). A new key's secret is in the create response and nowhere else. */
import { z } from "zod";
import { notFound } from "../api/errors";
import { json, type Handler } from "../api/http";
import { withApi } from "../api/wrap";
import { keysRepo } from "../db/keys.repo";
import { clearKeyCache, createKey, ROLES } from "../gateway/keys";

const createBody = z.object({
  name: z.string().trim().min(1).max(100),
  role: z.enum(ROLES as [string, ...string[]]),
});

const view = (k: { id: string; name: string; prefix: string; role: string; createdAt: Date; revokedAt: Date | null; lastUsedAt: Date | null }) => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  role: k.role,
  createdAt: k.createdAt,
  revokedAt: k.revokedAt,
  lastUsedAt: k.lastUsedAt,
});

export const listKeys: Handler = withApi({ role: "admin" }, async () => json(200, { data: (await keysRepo.list()).map(view) }));

export const createKeyHandler: Handler = withApi({ role: "admin", body: createBody }, async ({ body }) => {
  const { secret, key } = await createKey(body.name, body.role as never);
  return json(201, { ...view(key), secret });
});

export const revokeKey: Handler = withApi({ role: "admin" }, async ({ req }) => {
  const id = req.params.id ?? "";
  const existing = (await keysRepo.list()).find((k) => k.id === id);
  if (!existing) throw notFound(`key ${id} not found`);
  await keysRepo.revoke(id);
  clearKeyCache();
  return json(200, { ...view({ ...existing, revokedAt: new Date() }) });
});
