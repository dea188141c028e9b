/** Gateway API keys. Only hashes are stored. */
import { db } from "./client";

export type Role = "gateway" | "viewer" | "editor" | "admin";

export interface KeyRow {
  id: string;
  name: string;
  prefix: string;
  hash: string;
  role: Role;
  createdAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
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
  async revoke(id: string): Promise<void> {
    await db().client.apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
  },
  async touch(ids: string[], at: Date): Promise<void> {
    if (ids.length) await db().client.apiKey.updateMany({ where: { id: { in: ids } }, data: { lastUsedAt: at } });
  },
};
