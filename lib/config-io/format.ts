/**
 * The configuration document as text: YAML (the default, for review in Git)
 * or JSON. Output is deterministic (the document is canonical, YAML lines are
 * never folded), so the same configuration always writes the same bytes.
 */
import type * as YamlModule from "yaml";
import { AppError } from "../api/errors";
import { hasProtoKey, MAX_JSON_DEPTH, unstorableTextAt } from "../api/json-body";
import type { ConfigDocument, PriceNote } from "./document";

/** The yaml package, loaded by the first export or import: ~30 ms of every start otherwise, for a page used now and then. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml = (): typeof YamlModule => require("yaml") as typeof YamlModule;

export type ConfigFormat = "yaml" | "json";

const HEADER = [
  " thinkgate routing configuration: routes, rules, app policies, routing settings and prices.",
  " Check a change with `npm run config -- validate FILE`; apply it with `npm run config -- import FILE`",
  " (or POST /api/config/import). Importing replaces the whole configuration in one transaction.",
].join("\n");

/**
 * `notes`: what an export left out of a price (document.ts exportable), as a
 * comment above that price in YAML; JSON has no place for them.
 */
export function serialize(doc: ConfigDocument, format: ConfigFormat, notes: PriceNote[] = []): string {
  if (format === "json") return `${JSON.stringify(doc, null, 2)}\n`;
  // compat: strings YAML 1.1 readers take for booleans ("on", "off", "yes") are written quoted.
  const d = new (yaml().Document)(doc, { compat: "yaml-1.1" });
  d.commentBefore = HEADER;
  for (const n of notes) {
    const node = d.getIn(["prices", n.index], true);
    if (yaml().isNode(node)) node.commentBefore = ` ${n.note}`;
  }
  return d.toString({ lineWidth: 0, indent: 2, indentSeq: true });
}

/** The format a file name or content type names; undefined when they name none. */
export function formatOf(hint: string | undefined | null): ConfigFormat | undefined {
  const h = (hint ?? "").toLowerCase();
  if (/\.json$/.test(h) || h.includes("json")) return "json";
  if (/\.ya?ml$/.test(h) || h.includes("yaml")) return "yaml";
  return undefined;
}

/**
 * The bounds on a file, so that no file can hold the process: a configuration
 * is kilobytes, and YAML parses at about 2 s of event loop a megabyte, so a
 * megabyte is the most read; nesting is that of JSON request bodies; a YAML
 * alias may be expanded at most MAX_ALIASES times, which stops an alias bomb
 * ("billion laughs": each anchor repeats the one before nine times, so a few
 * hundred bytes stand for gigabytes), and what aliases expand to is counted
 * (MAX_VALUES).
 */
export const MAX_CONFIG_CHARS = 1 << 20;
const MAX_DEPTH = MAX_JSON_DEPTH;
const MAX_ALIASES = 100;
/** Values (each scalar, list and map) in the parsed document: far more than a megabyte of real configuration holds. */
const MAX_VALUES = 250_000;
/** How far right a line may start a block collection (see yamlNestingProblem). */
const MAX_BLOCK_COLUMN = 64;

const invalid = (message: string) => new AppError("invalid_request_error", message);

/**
 * Parses a file's text. JSON is read as JSON (its errors are clearer that way);
 * everything else as YAML, which also reads JSON. A syntax error says where.
 */
export function parseText(text: string, format?: ConfigFormat): unknown {
  if (!text.trim()) throw invalid("the configuration file is empty");
  if (text.length > MAX_CONFIG_CHARS) throw invalid(`the configuration file is longer than ${MAX_CONFIG_CHARS} characters`);
  const json = format === "json" || (format === undefined && /^\s*[{[]/.test(text));
  const value = json ? parseJson(text) : parseYaml(text);
  const problem = shapeProblem(value);
  if (problem) throw invalid(`the configuration cannot be read: ${problem}`);
  return value;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw invalid(`the configuration is not valid JSON: ${(err as Error).message}`);
  }
}

function parseYaml(text: string): unknown {
  const notYaml = (why: string) => invalid(`the configuration is not valid YAML: ${why}`);
  const deep = yamlNestingProblem(text);
  if (deep) throw notYaml(deep);
  // Core schema: dates stay strings; duplicate keys are an error.
  const doc = yaml().parseDocument(text, { schema: "core", uniqueKeys: true, prettyErrors: true });
  // The message's first line says what and where ("Map keys must be unique at line 7, column 5:").
  if (doc.errors.length) throw notYaml(doc.errors[0]!.message.split("\n")[0]!.replace(/:$/, ""));
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIASES }) as unknown;
  } catch (err) {
    // Resolving aliases is the one step after parsing that can fail on the text: too many expansions, or no anchor before the alias.
    if (!(err instanceof ReferenceError)) throw err;
    throw notYaml(/alias count/i.test(err.message) ? `its aliases expand to more than ${MAX_ALIASES} copies of what they name (an alias bomb)` : err.message);
  }
}

/**
 * Why a YAML text nests too deeply to be composed, or null. The yaml package
 * composes nodes by recursion: past several hundred levels it runs out of
 * stack, and V8 does not always survive that (a plain Node process given a
 * few such documents in a row aborted: "RegExpCompiler Allocation failed").
 * So the nesting is bounded before composing, from the lexer's tokens
 * (quoted and block scalars are single tokens: a bracket or a dash in a
 * string does not count):
 *  - flow collections ([ ], { }) are counted exactly;
 *  - a block collection starts at a line's indentation or after the
 *    indicators that open one on the same line ("- - x", "? - x", "- key: x"),
 *    and a nested one starts further right than its parent (a sequence under
 *    a mapping key may share its column): a line that starts a block
 *    collection at column c nests at most 2c + 1 deep.
 * Within both bounds a document nests at most 64 + 129 levels; the package
 * was measured composing 400 block and 500 flow levels without trouble.
 */
function yamlNestingProblem(text: string): string | null {
  let flow = 0;
  let column = 0;
  let lineStart = true;
  for (const token of new (yaml().Lexer)().lex(text)) {
    if (token === "[" || token === "{") {
      if (++flow > MAX_DEPTH) return `brackets nest more than ${MAX_DEPTH} levels deep`;
    } else if (token === "]" || token === "}") flow--;
    // A newline, or a token that ends with one (a block scalar's text), starts the next line.
    if (token.endsWith("\n")) {
      lineStart = true;
      column = 0;
    } else if (lineStart) {
      // The lexer's markers (document, scalar, flow end, byte order) take no columns.
      if (/^[\x02\x18\x1f\ufeff]$/.test(token)) continue;
      // Indentation, indicators, anchors and tags: what may come before a block collection on its line.
      if (/^(?:[ \t]+|[-?:]|[&!]\S*)$/.test(token)) {
        column += token.length;
        if (column > MAX_BLOCK_COLUMN) return `a line starts more than ${MAX_BLOCK_COLUMN} columns in (indentation and "- " or "? " indicators)`;
      } else lineStart = false;
    }
  }
  return null;
}

/**
 * What is wrong with the shape of a parsed value, or null: nesting deeper than
 * MAX_DEPTH (a YAML alias inside the node it names nests without end), or more
 * values than MAX_VALUES once aliases are expanded. Every later step (the
 * schema check, the diff) walks the value whole, recursively. Walked with a
 * stack, stopping at the first problem.
 */
function shapeProblem(value: unknown): string | null {
  const stack: [unknown, number][] = [[value, 0]];
  let values = 0;
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (++values > MAX_VALUES) return `it expands to more than ${MAX_VALUES} values (through YAML aliases)`;
    if (typeof v !== "object" || v === null) continue;
    if (depth >= MAX_DEPTH) return `it nests more than ${MAX_DEPTH} levels deep (or a YAML alias refers to a node that contains it)`;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  // Read once its size is known to be bounded. A "__proto__" key is refused as in a request body (json-body.ts): the
  // schema checks copy a free-form map (a JSON Schema) member by member, where it became the copy's prototype, so the
  // file was validated with what it said and stored without it.
  if (hasProtoKey(value)) return '"__proto__" is not allowed as a key';
  const bad = unstorableTextAt(value);
  if (bad) return bad.nul ? `${bad.at} holds a NUL character (\\u0000), which cannot be stored` : `${bad.at} holds a lone surrogate (an unpaired \\ud800-\\udfff escape), which is not text`;
  return null;
}
