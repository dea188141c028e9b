/** Evaluation set items: the JSONL format, one item per line. */
import { z } from "zod";
import { badRequest } from "../api/errors";

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
  const items: ItemInput[] = [];
  const problems: string[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      problems.push(`line ${i + 1}: not JSON`);
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
