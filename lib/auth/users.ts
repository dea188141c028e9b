/**
 * Users: sign-in, the first admin, and what admins change (role, disabled,
 * password, sessions).
 * Roles are the gateway keys' roles minus "gateway": people read (viewer),
 * change rules (editor), or manage keys, prices, routes and users (admin).
 */
import { LRUCache } from "lru-cache";
import { z } from "zod";
import { AppError, badRequest, notFound } from "../api/errors";
import { announceChange } from "../cluster/bus";
import { answeredWithin, boundedLookup, splitGenerationKey, type GenerationKey } from "../db/bounded-lookup";
import { usersRepo, type UserRole, type UserRow } from "../db/users.repo";
import { logger } from "../observability/logger";
import { dummyHash, hashPassword, MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS, verifyPassword } from "./password";
import { loginLimiters } from "./rate-limit";
import { endUserSessions, SESSION_STALE_MS, sessionLookupMs } from "./session-store";

export type { UserRole, UserRow };
export const USER_ROLES: UserRole[] = ["viewer", "editor", "admin"];

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .regex(/^[^\s@]+@[^\s@]+$/, "enter an email address such as ann@example.com");

export const passwordSchema = z
  .string()
  .min(MIN_PASSWORD_CHARS, `use at least ${MIN_PASSWORD_CHARS} characters`)
  .max(MAX_PASSWORD_CHARS, `use at most ${MAX_PASSWORD_CHARS} characters`);

export interface PublicUser {
  id: string;
  email: string;
  role: UserRole;
  createdAt: Date;
  disabledAt: Date | null;
  lastLoginAt: Date | null;
}

/** A user as the API shows it: never the password hash. */
export function publicUser(u: UserRow): PublicUser {
  return { id: u.id, email: u.email, role: u.role, createdAt: u.createdAt, disabledAt: u.disabledAt, lastLoginAt: u.lastLoginAt };
}

// Sessions are checked against the user row on every request (a disabled user
// or a changed role takes effect without waiting for the cookie to expire).
// A short cache keeps that off the database for bursts of requests; this
// instance clears it on every change, and the others when it announces the change (lib/cluster).
// The read is bounded like the session's (lib/auth/session-store.ts): past
// THINKGATE_SESSION_LOOKUP_MS a user this instance found active within
// THINKGATE_SESSION_STALE_MS stays so, marked stale; a change clears that too.
const USER_CACHE_MS = Number(process.env.THINKGATE_USER_CACHE_MS ?? 5_000);
interface CachedUser {
  user: UserRow | null;
  /** When the database said so (Date.now()). */
  at: number;
}
const g = globalThis as unknown as { __thinkgateUsers?: { cache: LRUCache<string, CachedUser>; generation: number } };
const users = (g.__thinkgateUsers ??= {
  cache: new LRUCache<string, CachedUser>({ max: 10_000, ttl: Math.max(USER_CACHE_MS, 1), noDeleteOnStaleGet: true }),
  generation: 0,
});

/** By generation and id: a request that comes after a change does not join a read begun before it. */
const lookups = boundedLookup<GenerationKey, { user: UserRow | null; stale: boolean }>({
  what: "a session's user lookup",
  waitMs: sessionLookupMs(),
  async load(key) {
    const [generation, id] = splitGenerationKey(key);
    const row = await usersRepo.byId(id);
    const user = row && !row.disabledAt && USER_ROLES.includes(row.role) ? row : null;
    if (generation === users.generation) users.cache.set(id, { user, at: Date.now() });
    return { user, stale: false };
  },
  stale(key) {
    const last = users.cache.get(splitGenerationKey(key)[1], { allowStale: true });
    return last?.user && Date.now() - last.at <= SESSION_STALE_MS ? { user: last.user, stale: true } : undefined;
  },
});

/** The user a session names, if it exists and is not disabled; stale when that is this instance's last answer (the database did not answer). */
export async function activeUser(id: string): Promise<{ user: UserRow | null; stale: boolean }> {
  const hit = USER_CACHE_MS > 0 ? users.cache.get(id) : undefined;
  if (hit) return { user: hit.user, stale: false };
  return lookups.get(`${users.generation}:${id}`);
}

export function forgetCachedUser(id: string): void {
  users.generation++;
  users.cache.delete(id);
}

/** Forgets every cached user (another instance changed one). */
export function clearUserCache(): void {
  users.generation++;
  users.cache.clear();
}

const INVALID_LOGIN = "the email or password is not right";

/**
 * Checks an email and password. Unknown emails cost a full hash too, and both
 * failures say the same thing, so neither the answer nor its timing tells
 * which emails have accounts.
 */
export async function signIn(emailRaw: string, password: string, clientAddress: string): Promise<UserRow> {
  const email = emailRaw.trim().toLowerCase();
  const { email: byEmail, ip: byIp } = loginLimiters();
  throwIfThrottled(Math.max(byEmail.retryAfterMs(email), byIp.retryAfterMs(clientAddress)));
  // Counted before the check (lib/auth/rate-limit.ts says why), forgiven when it succeeds.
  byEmail.fail(email);
  byIp.fail(clientAddress);
  // Bounded like a session's lookup: a sign-in while the database does not answer is told so, not left waiting.
  const user = await answeredWithin(usersRepo.byEmail(email), sessionLookupMs(), "a sign-in");
  const ok = user ? await verifyPassword(user.passwordHash, password) : (await verifyPassword(await dummyHash(), password), false);
  if (!user || !ok) throw new AppError("authentication_error", INVALID_LOGIN);
  byEmail.forgive(email);
  byIp.forgive(clientAddress);
  if (user.disabledAt) {
    // Only after the password checked out: telling a stranger the account is disabled leaks that it exists.
    throw new AppError("permission_error", "this account is disabled; ask an admin to enable it");
  }
  byEmail.reset(email);
  const at = new Date();
  await usersRepo.touchLogin(user.id, at);
  forgetCachedUser(user.id);
  return { ...user, lastLoginAt: at };
}

function throwIfThrottled(waitMs: number): void {
  if (waitMs <= 0) return;
  const seconds = Math.ceil(waitMs / 1000);
  throw new AppError("rate_limit_error", `too many failed sign-ins; try again in ${seconds} s`, { headers: { "retry-after": String(seconds) } });
}

/**
 * A signed-in user changes their own password. The current one must check
 * out, and its failures count against the same throttle as sign-in, so a
 * session left open on a shared screen is no way to guess the password or to
 * take the account over. Every session of the user ends (updateUser); the
 * caller gives the browser that did it a new one.
 */
export async function changeOwnPassword(id: string, current: string, next: string): Promise<UserRow> {
  const user = await usersRepo.byId(id);
  if (!user || user.disabledAt) throw new AppError("authentication_error", "your session has expired or is not valid; sign in again");
  const { email: byEmail } = loginLimiters();
  throwIfThrottled(byEmail.retryAfterMs(user.email));
  byEmail.fail(user.email);
  if (!(await verifyPassword(user.passwordHash, current))) throw badRequest("currentPassword: the current password is not right");
  byEmail.forgive(user.email);
  if (current === next) throw badRequest("newPassword: choose a password other than the current one");
  return (await updateUser(id, { password: next })).user;
}

/** Whether the first-run setup is still open (no user exists yet). */
export async function setupRequired(): Promise<boolean> {
  return (await usersRepo.count()) === 0;
}

/** /setup: the first visitor creates the admin, while (and only while) no user exists. */
export async function setupFirstAdmin(email: string, password: string): Promise<UserRow> {
  const created = await usersRepo.createFirstAdmin({ email, passwordHash: await hashPassword(password) });
  if (!created) throw new AppError("conflict_error", "setup is done already: an admin exists; sign in instead");
  logger.info({ email }, "first admin created through /setup");
  return created;
}

/**
 * The first admin from THINKGATE_ADMIN_EMAIL / THINKGATE_ADMIN_PASSWORD, when
 * no user exists yet. Once anyone exists this does nothing, so the variables
 * never reset a password that was changed since.
 */
export async function ensureAdminFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  const rawEmail = env.THINKGATE_ADMIN_EMAIL?.trim();
  const password = env.THINKGATE_ADMIN_PASSWORD ?? "";
  if (!rawEmail) return null;
  if ((await usersRepo.count()) > 0) return null;
  const email = emailSchema.safeParse(rawEmail);
  if (!email.success) throw new Error(`THINKGATE_ADMIN_EMAIL is not an email address: ${rawEmail}`);
  const pw = passwordSchema.safeParse(password);
  if (!pw.success) throw new Error(`THINKGATE_ADMIN_PASSWORD: ${pw.error.issues[0]?.message ?? "invalid"}`);
  const created = await usersRepo.createFirstAdmin({ email: email.data, passwordHash: await hashPassword(pw.data) });
  return created ? created.email : null;
}

export async function createUser(email: string, password: string, role: UserRole): Promise<UserRow> {
  return usersRepo.create({ email, passwordHash: await hashPassword(password), role });
}

export interface UserPatch {
  role?: UserRole;
  disabled?: boolean;
  password?: string;
}

/**
 * Whether a change ends the user's sessions: a new password (whoever knew the
 * old one may hold a cookie), a new role (sessions carry the role they began
 * with), or a disabled account. Enabling an account or a no-op role ends nothing.
 */
export function changeEndsSessions(user: Pick<UserRow, "role" | "disabledAt">, patch: UserPatch): boolean {
  return patch.password !== undefined || (patch.role !== undefined && patch.role !== user.role) || (patch.disabled === true && !user.disabledAt);
}

/**
 * Changes a user. The last enabled admin can be neither demoted nor disabled:
 * nobody could undo it. `sessionsEnded` says that every session of the user
 * ended with the change (changeEndsSessions), the caller's own included.
 */
export async function updateUser(id: string, patch: UserPatch): Promise<{ user: UserRow; sessionsEnded: boolean }> {
  const user = await usersRepo.byId(id);
  if (!user) throw notFound(`user ${id} not found`);
  const losesAdmin = user.role === "admin" && !user.disabledAt && ((patch.role && patch.role !== "admin") || patch.disabled === true);
  if (losesAdmin && (await usersRepo.activeAdmins()) <= 1) {
    throw badRequest("this is the last enabled admin; make another user admin first");
  }
  const updated = await usersRepo.update(id, {
    ...(patch.role ? { role: patch.role } : {}),
    ...(patch.disabled === undefined ? {} : { disabledAt: patch.disabled ? (user.disabledAt ?? new Date()) : null }),
    ...(patch.password ? { passwordHash: await hashPassword(patch.password) } : {}),
  });
  forgetCachedUser(id);
  // The other instances forget theirs too: a disabled user is signed out everywhere at once.
  await announceChange("users");
  const sessionsEnded = changeEndsSessions(user, patch);
  if (sessionsEnded) await endUserSessions(id);
  return { user: updated, sessionsEnded };
}

/** An admin's "end sessions": signs the user out of every browser; returns how many sessions ended. */
export async function endSessionsOf(id: string): Promise<number> {
  if (!(await usersRepo.byId(id))) throw notFound(`user ${id} not found`);
  return endUserSessions(id);
}
