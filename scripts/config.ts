/**
 * The routing configuration as a file (YAML or JSON, by the file's extension):
 *
 *   npm run config -- export [FILE] [--format yaml|json]   write the configuration (stdout without FILE)
 *   npm run config -- validate FILE                        check a file: shape and references, no database needed
 *   npm run config -- import FILE [--dry-run]               show what changes, then apply it in one transaction
 *
 * By default export and import work on the database of DATABASE_URL directly
 * (the server's own; it is migrated and seeded first, as the server does, so
 * a fresh clone works). A running server reloads an import at once when it
 * shares REDIS_URL (change notices), else at its next start. With
 * --url http://host:port --key <admin key> every command goes through that
 * server's API instead, which applies an import at once.
 *
 * Exit status: 0 done, 1 the file is not valid or the command failed, 2 usage.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { AppError } from "../lib/api/errors";
import { describeDiff, type ConfigDiff } from "../lib/config-io/diff";
import { checkDocument, type ConfigIssue } from "../lib/config-io/document";
import { formatOf, parseText, type ConfigFormat } from "../lib/config-io/format";

const USAGE = `usage: npm run config -- export [FILE] [--format yaml|json]
       npm run config -- validate FILE
       npm run config -- import FILE [--dry-run]
options: --url URL --key KEY   talk to a running thinkgate instead of DATABASE_URL`;

class UsageError extends Error {}
class InvalidFile extends Error {
  constructor(
    message: string,
    readonly issues: ConfigIssue[] = [],
  ) {
    super(message);
  }
}

interface Args {
  command: string;
  file?: string;
  format?: ConfigFormat;
  dryRun: boolean;
  url?: string;
  key?: string;
}

function parseArgs(argv: string[]): Args {
  const positional: string[] = [];
  const a: Args = { command: "", dryRun: false };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i]!;
    const next = () => {
      const n = argv[++i];
      if (n === undefined) throw new UsageError(`${v} needs a value`);
      return n;
    };
    if (v === "--dry-run") a.dryRun = true;
    else if (v === "--format") {
      const f = next();
      if (f !== "yaml" && f !== "json") throw new UsageError(`--format is yaml or json, not ${f}`);
      a.format = f;
    } else if (v === "--url") a.url = next().replace(/\/+$/, "");
    else if (v === "--key") a.key = next();
    else if (v.startsWith("--")) throw new UsageError(`unknown option ${v}`);
    else positional.push(v);
  }
  [a.command = "", a.file] = positional;
  if (positional.length > 2) throw new UsageError(`unexpected argument ${positional[2]}`);
  if (!["export", "validate", "import"].includes(a.command)) throw new UsageError(a.command ? `unknown command ${a.command}` : "no command");
  if (a.command !== "export" && !a.file) throw new UsageError(`${a.command} needs a FILE`);
  if (a.url && !a.key) a.key = process.env.THINKGATE_API_KEY;
  if (a.url && !a.key) throw new UsageError("--url needs --key (or THINKGATE_API_KEY): an admin key of that server");
  return a;
}

function readFile(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new InvalidFile(`cannot read ${file}: ${(err as Error).message}`);
  }
}

function printDiff(diff: ConfigDiff, prefix: string): void {
  for (const line of describeDiff(diff)) console.log(`${prefix}${line}`);
}

/** A call to the server's API; its error body becomes an InvalidFile (400) or an Error. */
async function remote(a: Args, method: string, route: string, body?: string): Promise<Response> {
  const res = await fetch(`${a.url}${route}`, {
    method,
    headers: { "x-api-key": a.key!, ...(body !== undefined ? { "content-type": a.file && formatOf(a.file) === "json" ? "application/json" : "application/yaml" } : {}) },
    body,
  });
  if (res.ok) return res;
  const text = await res.text();
  let err: { message?: string; issues?: ConfigIssue[] } = {};
  try {
    err = (JSON.parse(text) as { error?: typeof err }).error ?? {};
  } catch {
    err = { message: text.slice(0, 500) };
  }
  if (res.status === 400) throw new InvalidFile(err.message ?? "the file is not valid", err.issues ?? []);
  throw new Error(`${a.url} answered ${res.status}: ${err.message ?? text.slice(0, 200)}`);
}

/** Migrates and seeds DATABASE_URL as the server does at start, so a fresh clone has a configuration. */
async function openDatabase(): Promise<() => Promise<void>> {
  const [{ migrate }, { databaseUrl }, { seed }, { disconnectDb }] = await Promise.all([
    import("../lib/db/migrate"),
    import("../lib/db/provider"),
    import("../lib/setup/seed"),
    import("../lib/db/client"),
  ]);
  await migrate(databaseUrl());
  await seed();
  return disconnectDb;
}

async function runExport(a: Args): Promise<void> {
  const format = a.format ?? formatOf(a.file) ?? "yaml";
  let text: string;
  if (a.url) text = await (await remote(a, "GET", `/api/config/export?format=${format}`)).text();
  else {
    const close = await openDatabase();
    try {
      const { exportConfig } = await import("../lib/config-io/service");
      text = await exportConfig(format);
    } finally {
      await close();
    }
  }
  if (!a.file) return void process.stdout.write(text);
  fs.writeFileSync(a.file, text);
  console.error(`wrote ${a.file}`);
}

async function runValidate(a: Args): Promise<void> {
  const text = readFile(a.file!);
  if (a.url) {
    const r = (await (await remote(a, "POST", "/api/config/validate", text)).json()) as { diff: ConfigDiff };
    console.log(`${a.file}: valid; against ${a.url}:`);
    return printDiff(r.diff, "  ");
  }
  let raw: unknown;
  try {
    raw = parseText(text, formatOf(a.file));
  } catch (err) {
    if (err instanceof AppError) throw new InvalidFile(err.message);
    throw err;
  }
  const { document, issues } = checkDocument(raw);
  if (!document) throw new InvalidFile(`${a.file} is not valid`, issues);
  console.log(
    `${a.file}: valid (${document.routes.length} routes, ${document.rules.length} rules, ${document.apps.length} app policies, ${document.prices.length} prices)`,
  );
}

async function runImport(a: Args): Promise<void> {
  const text = readFile(a.file!);
  const source = path.basename(a.file!);
  let result: { applied: boolean; ruleSetVersion: number | null; diff: ConfigDiff };
  if (a.url) {
    const q = new URLSearchParams({ file: source, ...(a.dryRun ? { dryRun: "1" } : {}) });
    result = (await (await remote(a, "POST", `/api/config/import?${q}`, text)).json()) as typeof result;
  } else {
    const close = await openDatabase();
    // With REDIS_URL, the running instances hear of the import (lib/cluster).
    const cluster = process.env.REDIS_URL ? await import("../lib/cluster") : null;
    try {
      await cluster?.startCluster();
      const { importConfig } = await import("../lib/config-io/service");
      result = await importConfig(text, { format: formatOf(a.file), author: `cli:${os.userInfo().username}`, source, dryRun: a.dryRun });
    } catch (err) {
      if (err instanceof AppError && err.status === 400) {
        throw new InvalidFile(err.message, ((err.details?.issues as ConfigIssue[] | undefined) ?? []));
      }
      throw err;
    } finally {
      await cluster?.stopCluster();
      await close();
    }
  }
  if (result.diff.empty) return void console.log(`${a.file}: no changes; nothing written`);
  console.log(a.dryRun ? `${a.file}: would change` : `${a.file}: imported as rule-set version ${result.ruleSetVersion}`);
  printDiff(result.diff, "  ");
  if (!a.dryRun && !a.url && !process.env.REDIS_URL) console.log("a running thinkgate on this database applies it at its next start (or import with --url to apply it at once)");
}

async function main(): Promise<number> {
  let a: Args;
  try {
    a = parseArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`${err.message}\n${USAGE}`);
    return 2;
  }
  try {
    if (a.command === "export") await runExport(a);
    else if (a.command === "validate") await runValidate(a);
    else await runImport(a);
    return 0;
  } catch (err) {
    if (err instanceof InvalidFile) {
      // With issues, list each on its own line rather than the one-line summary.
      console.error(err.issues.length ? `${a.file} is not valid:` : err.message);
      for (const i of err.issues) console.error(`  ${i.path ? `${i.path}: ` : ""}${i.message}`);
      return 1;
    }
    console.error(err instanceof Error ? err.message : String(err));
    return 1;
  }
}

main().then((code) => process.exit(code));
