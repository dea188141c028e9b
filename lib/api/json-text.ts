/**
 * JSON.stringify for values that come from outside and may nest without
 * bound: JSON.parse reads any depth, but JSON.stringify (and structured
 * clone) recurse, and throw "Maximum call stack size exceeded" past a few
 * thousand levels. Request bodies are bounded at parse (json-body.ts); an
 * upstream's answer is not, and a model can be steered into a tool input
 * nested 50,000 levels deep.
 */

/**
 * `value`'s JSON text, exactly JSON.stringify's for parsed JSON values (plain
 * objects, arrays, strings, numbers, booleans, null). The native call does
 * the work; only a value too deep for it is written out with a stack of its
 * own instead of recursion.
 */
export function stringifyDeep(value: unknown): string {
  try {
    return JSON.stringify(value) ?? "null";
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
  }
  const out: string[] = [];
  // Each step: text to write as it is, or a value to write.
  const steps: ({ text: string } | { value: unknown })[] = [{ value }];
  while (steps.length) {
    const step = steps.pop()!;
    if ("text" in step) {
      out.push(step.text);
      continue;
    }
    const v = step.value;
    if (typeof v !== "object" || v === null) {
      out.push(JSON.stringify(v) ?? "null");
      continue;
    }
    // Pushed last first: the stack gives them back in order.
    if (Array.isArray(v)) {
      steps.push({ text: "]" });
      for (let i = v.length - 1; i >= 0; i--) {
        steps.push({ value: v[i] === undefined ? null : v[i] });
        if (i > 0) steps.push({ text: "," });
      }
      steps.push({ text: "[" });
    } else {
      const members = Object.entries(v).filter(([, x]) => x !== undefined);
      steps.push({ text: "}" });
      for (let i = members.length - 1; i >= 0; i--) {
        const [k, x] = members[i]!;
        steps.push({ value: x });
        steps.push({ text: `${i > 0 ? "," : ""}${JSON.stringify(k)}:` });
      }
      steps.push({ text: "{" });
    }
  }
  return out.join("");
}
