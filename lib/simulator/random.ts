/**
 * Deterministic randomness: the simulator answers the same request the same
 * way, so every "random" choice (text, ids, signature, latency) comes from a
 * PRNG seeded with a hash of the request.
 */

/** cyrb53: a fast 53-bit string hash with good spread; determinism, not security, is the point. */
export function hash53(str: string, seed = 0): number {
  const h: [number, number] = [0xdeadbeef ^ seed, 0x41c6ce57 ^ seed];
  mix(h, str, 0, str.length);
  return finish(h);
}

function mix(h: [number, number], str: string, from: number, to: number): void {
  let [h1, h2] = h;
  for (let i = from; i < to; i++) {
    const ch = str.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h[0] = h1;
  h[1] = h2;
}

/** Characters hashed between turns. */
const HASH_SLICE = 1 << 18;

/**
 * hash53 of a long text, with `between` awaited after each 256K characters: the same
 * value, without holding the event loop (the simulator serves in the
 * gateway's process, and a 15 MB prompt took ~140 ms to hash).
 */
export async function hash53InTurns(str: string, seed: number, between: () => Promise<void>): Promise<number> {
  const h: [number, number] = [0xdeadbeef ^ seed, 0x41c6ce57 ^ seed];
  for (let at = 0; at < str.length; at += HASH_SLICE) {
    mix(h, str, at, Math.min(str.length, at + HASH_SLICE));
    await between();
  }
  return finish(h);
}

function finish([h1, h2]: [number, number]): number {
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** mulberry32, seeded from a 53-bit hash. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = (seed ^ Math.floor(seed / 4294967296)) >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  base62(length: number): string {
    let out = "";
    for (let i = 0; i < length; i++) out += BASE62[Math.floor(this.next() * 62)];
    return out;
  }

  /** Base64 of pseudo-random bytes: an opaque value shaped like the API's signatures. */
  base64(bytes: number): string {
    const buf = Buffer.allocUnsafe(bytes);
    for (let i = 0; i < bytes; i++) buf[i] = Math.floor(this.next() * 256);
    return buf.toString("base64");
  }
}
