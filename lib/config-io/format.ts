/**
 * The configuration document as text: YAML (the default, for review in Git)
 * or JSON. Output is deterministic (the document is canonical, YAML lines are
 * never folded), so the same configuration always writes the same bytes.
 */
import YAML, { YAMLParseError } from "yaml";
import { AppError } from "../api/errors";
import type { ConfigDocument } from "./document";

export type ConfigFormat = "yaml" | "json";

const HEADER = [
  " thinkgate routing configuration: routes, rules, app policies, routing settings and prices.",
  " Check a change with `npm run config -- validate FILE`; apply it with `npm run config -- import FILE`",
  " (or POST /api/config/import). Importing replaces the whole configuration in one transaction.",
].join("\n");

export function serialize(doc: ConfigDocument, format: ConfigFormat): string {
  if (format === "json") return `${JSON.stringify(doc, null, 2)}\n`;
  // compat: strings YAML 1.1 readers take for booleans ("on", "off", "yes") are written quoted.
  const d = new YAML.Document(doc, { compat: "yaml-1.1" });
  d.commentBefore = HEADER;
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
 * Parses a file's text. JSON is read as JSON (its errors are clearer that way);
 * everything else as YAML, which also reads JSON. A syntax error says where.
 */
export function parseText(text: string, format?: ConfigFormat): unknown {
  if (!text.trim()) throw new AppError("invalid_request_error", "the configuration file is empty");
  const json = format === "json" || (format === undefined && /^\s*[{[]/.test(text));
  if (json) {
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      throw new AppError("invalid_request_error", `the configuration is not valid JSON: ${(err as Error).message}`);
    }
  }
  try {
    // Core schema: dates stay strings, duplicate keys are an error, alias expansion is bounded.
    return YAML.parse(text, { schema: "core", uniqueKeys: true, maxAliasCount: 100, prettyErrors: true }) as unknown;
  } catch (err) {
    if (err instanceof YAMLParseError) {
      // The message's first line says what and where ("Map keys must be unique at line 7, column 5:").
      throw new AppError("invalid_request_error", `the configuration is not valid YAML: ${err.message.split("\n")[0]!.replace(/:$/, "")}`);
    }
    throw err;
  }
}
