/** People who sign in to the UI, and the two settings sign-in depends on. */
import { AppError } from "../api/errors";
import { db } from "./client";

export type UserRole = "viewer" | "editor" | "admin";

export interface UserRow {
  id: string;
  email: string;
  passwordHash: string;
  role: UserRole;
  createdAt: Date;
  disabledAt: Date | null;
  lastLoginAt: Date | null;
}

/** The Setting row whose creation marks "the first admin exists"; its primary key lets one setup win a race. */
const FIRST_ADMIN_GUARD = "auth.firstAdmin";
const SESSION_SECRET = "auth.sessionSecret";

function isUniqueViolation(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === "P2002";
}

export const usersRepo = {
  count: (): Promise<number> => db().client.user.count(),

  byId: async (id: string): Promise<UserRow | null> => (await db().client.user.findUnique({ where: { id } })) as UserRow | null,

  byEmail: async (email: string): Promise<UserRow | null> =>
    (await db().client.user.findUnique({ where: { email } })) as UserRow | null,

  list: async (): Promise<UserRow[]> => (await db().client.user.findMany({ orderBy: { createdAt: "asc" } })) as UserRow[],

  async create(data: { email: string; passwordHash: string; role: UserRole }): Promise<UserRow> {
    try {
      return (await db().client.user.create({ data })) as UserRow;
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError("conflict_error", `a user with email ${data.email} exists already`);
      throw err;
    }
  },

  /**
   * Creates the first admin only while no user exists. Two visitors racing on
   * /setup both pass a count check; only one can create the guard row.
   */
  async createFirstAdmin(data: { email: string; passwordHash: string }): Promise<UserRow | null> {
    const client = db().client;
    if ((await client.user.count()) > 0) return null;
    try {
      await client.setting.create({ data: { key: FIRST_ADMIN_GUARD, value: JSON.stringify(data.email) } });
    } catch (err) {
      if (isUniqueViolation(err)) return null;
      throw err;
    }
    try {
      return (await client.user.create({ data: { ...data, role: "admin" } })) as UserRow;
    } catch (err) {
      await client.setting.delete({ where: { key: FIRST_ADMIN_GUARD } }).catch(() => undefined);
      throw err;
    }
  },

  async update(id: string, data: { role?: UserRole; disabledAt?: Date | null; passwordHash?: string }): Promise<UserRow> {
    return (await db().client.user.update({ where: { id }, data })) as UserRow;
  },

  async touchLogin(id: string, at: Date): Promise<void> {
    await db().client.user.update({ where: { id }, data: { lastLoginAt: at } });
  },

  /** Admins that can still sign in (so the last one is never demoted or disabled). */
  activeAdmins: (): Promise<number> => db().client.user.count({ where: { role: "admin", disabledAt: null } }),

  /** The stored session secret, creating it on first use (every instance then agrees on it). */
  async sessionSecret(generate: () => string): Promise<string> {
    const client = db().client;
    const existing = await client.setting.findUnique({ where: { key: SESSION_SECRET } });
    if (existing) return JSON.parse(existing.value) as string;
    try {
      await client.setting.create({ data: { key: SESSION_SECRET, value: JSON.stringify(generate()) } });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err; // another instance wrote it first: use theirs
    }
    const row = await client.setting.findUniqueOrThrow({ where: { key: SESSION_SECRET } });
    return JSON.parse(row.value) as string;
  },
};
