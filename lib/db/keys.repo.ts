/** Gateway API keys. Only hashes are stored. */
import type { LimitColumns } from "../limits/policy";
import { db } from "./client";

export type Role = "gateway" | "viewer" | "editor" | "admin";

export interface KeyRow extends LimitColumns {
  id: string;
  name: string;
  prefix: string;
  hash: string;
  role: Role;
  createdAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  thinkingPolicy: string;
  thinkingCap: string | null;
  /** JSON array of app names, or null for any app (lib/keys/apps.ts). */
  apps: string | null;
}

export const keysRepo = {
  async count(): Promise<number> {
    return db().client.apiKey.count();
  },
  async findByHash(hash: string): Promise<KeyRow | null> {
    return (await db().client.apiKey.findUnique({ where: { hash } })) as KeyRow | null;
  },
  async create(data: { name: string; prefix: string; hash: string; role: Role }): Promise<KeyRow> {
    return (await db().client.apiKey.create({ data })) as KeyRow;
  },
  async list(): Promise<KeyRow[]> {
    return (await db().client.apiKey.findMany({ orderBy: { createdAt: "desc" } })) as KeyRow[];
  },
  async setLimits(id: string, limits: LimitColumns): Promise<KeyRow | null> {
    const { count } = await db().client.apiKey.updateMany({ where: { id }, data: limits });
    return count ? ((await db().client.apiKey.findUnique({ where: { id } })) as KeyRow) : null;
  },
  async setThinkingPolicy(id: string, policy: { thinkingPolicy: string; thinkingCap: string | null }): Promise<KeyRow | null> {
    const { count } = await db().client.apiKey.updateMany({ where: { id }, data: policy });
    return count ? ((await db().client.apiKey.findUnique({ where: { id } })) as KeyRow) : null;
  },
  async setApps(id: string, apps: string | null): Promise<KeyRow | null> {
    const { count } = await db().client.apiKey.updateMany({ where: { id }, data: { apps } });
    return count ? ((await db().client.apiKey.findUnique({ where: { id } })) as KeyRow) : null;
  },
  async revoke(id: string): Promise<void> {
    await db().client.apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
  },
  async touch(ids: string[], at: Date): Promise<void> {
    if (ids.length) await db().client.apiKey.updateMany({ where: { id: { in: ids } }, data: { lastUsedAt: at } });
  },
};
