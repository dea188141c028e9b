/**
 * A parsed JSON value in parts, for the trip back from the JSON parser's
 * thread (large-json.ts) to the main thread.
 *
 * A structured clone is taken back in one piece of work, and it costs by the
 * number of values: a conversation of 100,000 small messages took about
 * 190 ms to take back, in which no other request was served (JSON.parse of
 * the same text takes less than half that). So the thread cuts every long
 * array and every object with many members out of the value and sends each
 * as JSON texts of a slice of its members, and the main thread parses them a
 * slice at a time, with other requests served in between. A value without
 * long arrays or big objects (one long prompt) goes back whole.
 *
 * Values round-trip exactly through JSON.stringify and JSON.parse, but for
 * -0, which becomes 0, as it does whenever the body is serialised again.
 */

type Key = string | number;

/** A cut-out array or object: where it stood, and its members as JSON texts of slices. */
export interface JsonHole {
  path: Key[];
  kind: "array" | "object";
  slices: string[];
}

export interface JsonParts {
  /** The value with each hole's place holding an empty array or object. */
  root: unknown;
  /** Outermost first: a hole's path may run through the members of one before it. */
  holes: JsonHole[];
}

/** Members per slice: parsing one takes about a millisecond. */
export const SLICE_MEMBERS = 1000;

/** Cuts `value`'s long arrays and big objects out, as slices of JSON text (on the parser's thread). */
export function toParts(value: unknown, sliceMembers = SLICE_MEMBERS): JsonParts {
  const holes: JsonHole[] = [];
  // Where the walk is; copied only for a hole.
  const path: Key[] = [];
  // Post-order: a hole inside a member is cut out before the member is written into its parent's slice.
  const visit = (v: unknown): unknown => {
    if (typeof v !== "object" || v === null) return v;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        path.push(i);
        v[i] = visit(v[i]);
        path.pop();
      }
      if (v.length <= sliceMembers) return v;
      const slices: string[] = [];
      for (let at = 0; at < v.length; at += sliceMembers) slices.push(JSON.stringify(v.slice(at, at + sliceMembers)));
      holes.push({ path: [...path], kind: "array", slices });
      return [];
    }
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    for (const k of keys) {
      path.push(k);
      o[k] = visit(o[k]);
      path.pop();
    }
    if (keys.length <= sliceMembers) return o;
    const slices: string[] = [];
    for (let at = 0; at < keys.length; at += sliceMembers) {
      const part: Record<string, unknown> = {};
      for (const k of keys.slice(at, at + sliceMembers)) part[k] = o[k];
      slices.push(JSON.stringify(part));
    }
    holes.push({ path: [...path], kind: "object", slices });
    return {};
  };
  const root = visit(value);
  return { root, holes: holes.reverse() };
}

/** Puts the value back together, a slice at a time; `between` is awaited after each slice. */
export async function fromParts(parts: JsonParts, between: () => Promise<void>): Promise<unknown> {
  let root = parts.root;
  for (const hole of parts.holes) {
    let whole: unknown[] | Record<string, unknown>;
    if (hole.kind === "array") {
      const items: unknown[] = [];
      for (const slice of hole.slices) {
        for (const item of JSON.parse(slice) as unknown[]) items.push(item);
        await between();
      }
      whole = items;
    } else {
      const members: Record<string, unknown> = {};
      // Object.assign sets "__proto__" as the prototype, but no body with that key gets this far (json-body.ts refuses it).
      for (const slice of hole.slices) {
        Object.assign(members, JSON.parse(slice));
        await between();
      }
      whole = members;
    }
    if (!hole.path.length) {
      root = whole;
      continue;
    }
    let parent = root as Record<Key, unknown>;
    for (const k of hole.path.slice(0, -1)) parent = parent[k] as Record<Key, unknown>;
    parent[hole.path[hole.path.length - 1]!] = whole;
  }
  return root;
}
