/**
 * Conversation pins, cached in memory in front of the database. A pin is
 * written when a response carries thinking or tool use, and read when a later
 * turn of that conversation arrives: the configuration of a turn (its tool
 * loop keeps it), of a conversation, and the thinking blocks thinkgate held
 * back from a client that did not ask for thinking (put back on the next turn),
 * and the Responses API's output items a later request may name by
 * item_reference.
 */
import path from "node:path";
import { LRUCache } from "lru-cache";
import { pinsRepo, type PinRow } from "../db/pins.repo";
import { logger } from "../observability/logger";
import { Journal, type Position } from "../recorder/journal";
import { spoolDir } from "./record";
import type { PinLookup } from "../routing/pipeline";
import type { PinnedConfig } from "../routing/types";
import { turnBudget, yieldToIo } from "../runtime/turns";

const cache = new LRUCache<string, PinnedConfig>({ max: 50_000 });

/**
 * Pins not yet stored. They are written together every FLUSH_MS rather than
 * one by one on the request path: on SQLite a write waits synchronously for the
 * file lock, and one stalled write would hold every request behind it. When the
 * database refuses, the pins wait (in memory up to MAX_PENDING, in the journal
 * past it) and are tried again later.
 */
const FLUSH_MS = Number(process.env.THINKGATE_PINS_FLUSH_MS ?? 100);
const RETRY_MS = 2_000;
const MAX_PENDING = Number(process.env.THINKGATE_PINS_MAX_PENDING ?? 10_000);
const pending = new Map<string, PinRow>();
let timer: NodeJS.Timeout | null = null;
/**
 * Pins journalled but not held in `pending`: the queue was full while the
 * database refused writes. The journal then holds the only copy, so it is
 * not confirmed past them: once the database takes a batch again, the
 * journal is written from its head (writeJournal) before it is confirmed.
 */
let overflowed = false;

/**
 * Pins not yet stored are journalled first, a line each, in the spool's
 * `pins` directory (the records' journal, lib/recorder/journal.ts: one
 * synchronous append, in the page cache once it returns): a process killed
 * before their batch is written finds them at its next start (replayPins).
 * Without it a crash in the moments after an answer lost its pin, and the
 * next call of that tool loop went upstream on another model, without the
 * thinking held back from its client.
 */
let journal: Journal | null | undefined;
/** Where the last journalled pin ends: a batch written confirms the journal up to where it stood when the batch was taken. */
let journalled: Position | null = null;

function pinJournal(): Journal | null {
  if (journal !== undefined) return journal;
  const dir = spoolDir();
  try {
    journal = dir ? Journal.open({ dir: path.join(dir, "pins"), fsync: process.env.THINKGATE_SPOOL_FSYNC === "1" }) : null;
  } catch (err) {
    logger.warn({ err: (err as Error).message }, "conversation pins: no journal; pins wait in memory only until written");
    journal = null;
  }
  return journal;
}

/**
 * A journal line's pin; none for a line that is not one (a disk's garbage
 * after a power loss, a line damaged otherwise): skipped and counted, as the
 * records' replay skips theirs. It used to fail the whole replay, and the
 * next batch written confirmed the journal past every pin behind it.
 */
function pinRow(j: Journal, text: string): PinRow[] {
  try {
    const row = JSON.parse(text) as Partial<PinRow> | null;
    if (row && typeof row.key === "string" && typeof row.model === "string" && typeof row.config === "string") return [row as PinRow];
  } catch {
    /* not JSON */
  }
  j.skipped++;
  logger.error({ line: text.slice(0, 200) }, "conversation pins: unreadable line in the journal; skipped");
  return [];
}

/**
 * Writes every pin in the journal, in the order journalled (a key's later
 * write after its earlier one, as the live batches do), a bounded slice at a
 * time, and confirms what it wrote. Returns how many pins it wrote.
 */
async function writeJournal(j: Journal): Promise<number> {
  const from = j.head();
  if (!from) return 0;
  let pos: Position = from;
  let written = 0;
  for (;;) {
    const { entries, next, atTail } = j.read(pos, 500);
    const rows = entries.flatMap((e) => pinRow(j, e.text));
    if (rows.length) await pinsRepo.putMany(rows);
    written += rows.length;
    pos = next;
    if (atTail || !entries.length) break;
  }
  j.confirm(pos);
  return written;
}

/** Writes the pins an earlier run journalled and did not store; called at start, before serving. */
export async function replayPins(): Promise<number> {
  const j = pinJournal();
  if (!j) return 0;
  const n = await writeJournal(j);
  if (n) logger.info({ pins: n }, "conversation pins left in the journal by an earlier run written");
  return n;
}

/** The batch being written, if one is: the shutdown waits for it before writing the rest and closing the database. */
let flushing: Promise<void> | null = null;

function schedule(delay: number): void {
  if (timer) return;
  timer = setTimeout(() => {
    flushing = flush().finally(() => (flushing = null));
  }, delay);
  timer.unref();
}

async function flush(): Promise<void> {
  timer = null;
  const rows = [...pending.values()];
  const upTo = journalled;
  pending.clear();
  try {
    await pinsRepo.putMany(rows);
    if (overflowed && journal) {
      // Cleared first: a pin that overflows while the journal is written sets it again.
      overflowed = false;
      try {
        const n = await writeJournal(journal);
        logger.info({ pins: n }, "conversation pins that waited in the journal only written");
      } catch (err) {
        overflowed = true;
        throw err;
      }
    } else if (upTo) journal?.confirm(upTo);
  } catch (err) {
    for (const row of rows) {
      if (pending.has(row.key)) continue;
      if (pending.size < MAX_PENDING) pending.set(row.key, row);
      else overflowed = true;
    }
    logger.warn({ err: (err as Error).message, pending: pending.size }, "could not store conversation pins; trying again");
    schedule(RETRY_MS);
    return;
  }
  if (pending.size) schedule(FLUSH_MS);
}

/** Writes what is still waiting, at shutdown: a restart then finds the last answers' pins, held thinking and kept items. */
export async function flushPins(): Promise<void> {
  if (timer) clearTimeout(timer);
  timer = null;
  // A batch under way when the shutdown came: waited for, or the database closed under it and its pins were lost.
  while (flushing) await flushing;
  if (timer) clearTimeout(timer);
  timer = null;
  if (pending.size) await flush();
  // What could not be written stays journalled for the next start.
  journal?.close();
  journal = undefined;
}

function enqueue(row: PinRow): void {
  const j = pinJournal();
  let inJournal = false;
  if (j) {
    try {
      journalled = j.append(JSON.stringify(row));
      inJournal = true;
    } catch (err) {
      // A full disk: the pin still waits in memory, as it did before the journal.
      logger.warn({ err: (err as Error).message }, "conversation pins: could not journal a pin");
    }
  }
  // A full queue (the database has refused writes for a while): the journal keeps the pin until it takes them again.
  if (pending.size < MAX_PENDING || pending.has(row.key)) pending.set(row.key, row);
  else if (inJournal) overflowed = true;
  else logger.warn({ pending: pending.size }, "conversation pins: queue full and no journal; a pin is lost");
  schedule(FLUSH_MS);
}

/**
 * When this instance last wrote each pin it has in memory. A pin in use is
 * written again (its lastSeenAt bumped) at most once per `refreshMs`, when it
 * is read or put: otherwise a conversation that goes on for weeks would keep
 * the time of its first turn, and the retention sweep (lib/retention/sweep.ts)
 * would take its pin while it is still in use.
 */
const written = new LRUCache<string, number>({ max: 50_000 });
let refreshMs = 86_400_000;

/** How often a pin in use is written again: set by the retention sweep, well inside its retention period. */
export function refreshPinsEvery(ms: number): void {
  refreshMs = ms;
}

function write(key: string, pin: PinnedConfig, replace: boolean): void {
  written.set(key, Date.now());
  const { routeId, model, ...config } = pin;
  enqueue({ key, routeId, model, config: JSON.stringify(config), ...(replace ? { replace } : {}) });
}

/** A pin in use: written again once its last write by this instance is `refreshMs` old (a stored row is only touched). */
function used(key: string, pin: PinnedConfig): void {
  const at = written.get(key);
  if (at === undefined || Date.now() - at >= refreshMs) write(key, pin, false);
}

export const pinStore: PinLookup & { put(key: string, pin: PinnedConfig, replace?: boolean): void } = {
  async get(key) {
    const hit = cache.get(key);
    if (hit) {
      used(key, hit);
      return hit;
    }
    const row = await pinsRepo.get(key);
    if (!row) return undefined;
    const config = JSON.parse(row.config) as Pick<PinnedConfig, "thinking" | "effort" | "maxTokens" | "conversationKey" | "threadKey">;
    const pin: PinnedConfig = { routeId: row.routeId, model: row.model, ...config };
    cache.set(key, pin);
    used(key, pin);
    return pin;
  },
  put(key, pin, replace = false) {
    const kept = cache.get(key);
    if (!replace && kept) return used(key, kept);
    cache.set(key, pin);
    write(key, pin, replace);
  },
};

/**
 * How long held thinking and kept output items, which hold text, are served
 * from memory after they were written: the pins' retention period
 * (lib/retention/sweep.ts), so that a row the sweep deleted is not still
 * answered from this instance's cache (every instance sweeps on its own, and
 * none can tell the others what it deleted). 0 while nothing expires. An
 * expired entry is never served, and each sweep drops them (purgeExpiredText).
 */
let textTtlMs = 0;

export function keepTextFor(ms: number): void {
  textTtlMs = ms;
}

/** The time left for text written at `writtenAt` (the cache's ttl): 0 for no limit, null when none is left. */
function textTtl(writtenAt: number): number | null {
  if (!textTtlMs) return 0;
  const left = textTtlMs - (Date.now() - writtenAt);
  return left > 0 ? left : null;
}

/** Drops the expired text from memory (stale entries are never served, but would wait there until evicted). */
export function purgeExpiredText(): void {
  held.purgeStale();
  items.purgeStale();
}

/** A thinking or redacted_thinking block held back from a client, and where it stood in the answer's content. */
export interface HeldBlock {
  at: number;
  block: Record<string, unknown>;
}

/** Held-back blocks take memory by their size (signatures and summaries run to kilobytes); misses are remembered too. */
const held = new LRUCache<string, HeldBlock[] | "none">({
  maxSize: Number(process.env.THINKGATE_HELD_THINKING_CACHE_BYTES ?? 64 << 20),
  sizeCalculation: (v) => (v === "none" ? 64 : Math.max(64, JSON.stringify(v).length)),
});

/** Keys looked up in one database read. */
const HELD_KEYS_PER_READ = 500;

/**
 * The stored values of `keys`: the cache first, then the rest from the
 * database. `cached` says what the cache knows of a key (the value, null for
 * a miss it remembers, undefined for nothing); `remember` is told what the
 * database had (undefined: no row) with the row's JSON.
 */
async function readMany<T>(
  keys: readonly string[],
  cached: (key: string) => T | null | undefined,
  remember: (key: string, value: T | undefined, json: string, writtenAt: number) => void,
): Promise<Map<string, T>> {
  const out = new Map<string, T>();
  const missing: string[] = [];
  // A long conversation asks for 50,000 keys, over a microsecond each in the cache: in turns.
  const turn = turnBudget();
  for (const k of keys) {
    const hit = cached(k);
    if (hit === undefined) missing.push(k);
    else if (hit !== null) out.set(k, hit);
    await turn();
  }
  // In bounded reads: the query for a long conversation's 50,000 keys took Prisma's query compiler
  // about 600 ms on the main thread in one piece; a read of a few hundred keys takes a few milliseconds.
  for (let at = 0; at < missing.length; at += HELD_KEYS_PER_READ) {
    const some = missing.slice(at, at + HELD_KEYS_PER_READ);
    const rows = new Map((await pinsRepo.getMany(some)).map((r) => [r.key, r]));
    for (const k of some) {
      const row = rows.get(k);
      const value = row === undefined ? undefined : (JSON.parse(row.config) as T);
      remember(k, value, row?.config ?? "", row?.lastSeenAt.getTime() ?? Date.now());
      if (value !== undefined) out.set(k, value);
    }
    if (at + HELD_KEYS_PER_READ < missing.length) await yieldToIo();
  }
  return out;
}

export const heldThinking = {
  /** The blocks held back for each key that has any; one database read for the keys not cached. */
  getMany(keys: string[]): Promise<Map<string, HeldBlock[]>> {
    return readMany<HeldBlock[]>(
      keys,
      (k) => {
        const hit = held.get(k);
        return hit === "none" ? null : hit;
      },
      (k, blocks, _json, writtenAt) => {
        if (!blocks) return void held.set(k, "none");
        const ttl = textTtl(writtenAt);
        if (ttl !== null) held.set(k, blocks, { ttl });
      },
    );
  },
  put(key: string, model: string, blocks: HeldBlock[]): void {
    held.set(key, blocks, { ttl: textTtlMs });
    enqueue({ key, routeId: null, model, config: JSON.stringify(blocks) });
  },
};

/**
 * The output items of the Responses API's answers, kept so that a later
 * request can name one by `item_reference` (lib/openai/item-references.ts).
 * Keys carry the caller's scope. Like held thinking they take memory by their
 * size; unlike it a miss is not remembered: a reference another instance has
 * just answered is found once that instance's batch is written, and a miss
 * cached here would hide it.
 */
const items = new LRUCache<string, Record<string, unknown>>({ maxSize: Number(process.env.THINKGATE_OUTPUT_ITEMS_CACHE_BYTES ?? 64 << 20) });

const sizeOf = (json: string) => Math.max(64, json.length);

export const outputItems = {
  /** The items found for each key; the cache first, then one database read per few hundred keys not cached. */
  getMany(keys: string[]): Promise<Map<string, Record<string, unknown>>> {
    return readMany<Record<string, unknown>>(
      keys,
      (k) => items.get(k),
      (k, item, json, writtenAt) => {
        const ttl = textTtl(writtenAt);
        if (item && ttl !== null) items.set(k, item, { size: sizeOf(json), ttl });
      },
    );
  },
  /** Cached at once, so the client's next request finds it on this instance however soon it comes; stored with the next batch. */
  put(key: string, model: string, item: Record<string, unknown>): void {
    const json = JSON.stringify(item);
    items.set(key, item, { size: sizeOf(json), ttl: textTtlMs });
    enqueue({ key, routeId: null, model, config: json });
  },
};
