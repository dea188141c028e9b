/** Evaluation set items: the JSONL format, one item per line. */
import { z } from "zod";
import { badRequest } from "../api/errors";
import { unstorableMessage, unstorableTextAt } from "../api/json-body";

export const MAX_ITEMS = 2_000;

export const itemSchema = z
  .object({
    prompt: z.string().trim().min(1, "prompt is required").max(100_000),
    expected: z.union([z.string(), z.number()]).transform(String),
    category: z.string().trim().min(1).max(80).optional(),
    system: z.string().max(100_000).optional(),
    id: z.union([z.string(), z.number()]).transform(String).optional(),
  })
  .strict();
export type ItemInput = z.infer<typeof itemSchema>;

/**
 * Parses JSONL: {"prompt", "expected", "category"?, "system"?, "id"?} per
 * line, blank lines skipped. Every bad line is reported with its number, so
 * a file is fixed in one pass.
 */
export function parseJsonl(text: string): ItemInput[] {
  // Counted before any line is parsed: a 20 MB upload of millions of bad
  // lines ("{}") built a report of each and ran the process out of heap.
  const lines = nonBlankLines(text, MAX_ITEMS + 1);
  if (lines > MAX_ITEMS) throw badRequest(`the set has more than ${MAX_ITEMS} items; at most ${MAX_ITEMS}`);
  const items: ItemInput[] = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      problems.push(`line ${i + 1}: not JSON`);
      return;
    }
    // A line's escapes ("\u0000") are read here, not by the check of the request body that carried the file.
    const unstorable = unstorableTextAt(value);
    if (unstorable) {
      problems.push(`line ${i + 1}: ${unstorableMessage(unstorable)}`);
      return;
    }
    const parsed = itemSchema.safeParse(value);
    if (!parsed.success) problems.push(`line ${i + 1}: ${parsed.error.issues.map((x) => `${x.path.join(".") || "item"}: ${x.message}`).join(", ")}`);
    else items.push(parsed.data);
  });
  if (problems.length) throw badRequest(`the set has ${problems.length} bad line(s): ${problems.slice(0, 10).join("; ")}${problems.length > 10 ? "; …" : ""}`);
  if (items.length === 0) throw badRequest("the set has no items");
  if (items.length > MAX_ITEMS) throw badRequest(`the set has ${items.length} items; at most ${MAX_ITEMS}`);
  const ids = new Set<string>();
  for (const it of items) {
    if (it.id === undefined) continue;
    if (ids.has(it.id)) throw badRequest(`item id "${it.id}" appears twice`);
    ids.add(it.id);
  }
  return items;
}

/** Lines of `text` that are not blank, counted up to `stop` (a scan, without splitting the text). */
function nonBlankLines(text: string, stop: number): number {
  let count = 0;
  for (let start = 0; start <= text.length && count < stop; ) {
    const end = text.indexOf("\n", start);
    const to = end < 0 ? text.length : end;
    for (let i = start; i < to; i++) {
      if (!isSpace(text.charCodeAt(i))) {
        count++;
        break;
      }
    }
    if (end < 0) break;
    start = end + 1;
  }
  return count;
}

/** What String.prototype.trim removes (white space and line terminators). */
function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}
