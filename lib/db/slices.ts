/**
 * A query that names many ids (`id IN (...)`) is run a slice at a time: a
 * statement has a bounded number of parameters (SQLite's is 999 by default
 * here), and a request or a chunk of result lines no bound on the ids it names.
 */
export const IN_SLICE = 500;

/** `items` in consecutive slices of at most `size`. */
export function* slicesOf<T>(items: readonly T[], size = IN_SLICE): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}
