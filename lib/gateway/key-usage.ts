/**
 * When each gateway key was last used (ApiKey.lastUsedAt, shown in Settings so
 * admins can find keys nobody uses any more and revoke them).
 *
 * Off the request path and batched, like the conversation pins
 * (lib/gateway/pins.ts): a request only notes its key in memory; every
 * FLUSH_MS the keys seen are written in one statement. A key is written at
 * most once per flush however many requests used it, and the time kept is
 * the flush's (accurate to FLUSH_MS, plenty for "last used"). A failed write
 * is retried with the next flush; losing one only makes "last used" older.
 */
import { keysRepo } from "../db/keys.repo";
import { logger } from "../observability/logger";

const FLUSH_MS = Number(process.env.THINKGATE_KEY_USAGE_FLUSH_MS ?? 5_000);
const MAX_PENDING = 10_000;
const pending = new Set<string>();
let timer: NodeJS.Timeout | null = null;

async function flush(): Promise<void> {
  timer = null;
  const ids = [...pending];
  pending.clear();
  try {
    await keysRepo.touch(ids, new Date());
  } catch (err) {
    for (const id of ids) if (pending.size < MAX_PENDING) pending.add(id);
    logger.warn({ err: (err as Error).message, pending: pending.size }, "could not record when keys were last used; trying again");
  }
  if (pending.size) schedule();
}

function schedule(): void {
  if (timer) return;
  timer = setTimeout(() => void flush(), FLUSH_MS);
  timer.unref();
}

/** Notes that a key was just used. Costs a Set insert on the request path. */
export function noteKeyUsed(keyId: string): void {
  if (!keyId || (pending.size >= MAX_PENDING && !pending.has(keyId))) return;
  pending.add(keyId);
  schedule();
}
