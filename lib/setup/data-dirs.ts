/**
 * The directories a process writes to, checked before anything else at the
 * start: the SQLite database's (the file, its -wal and -shm files) and the
 * record spool's. One that cannot be written failed the start later, halfway
 * through (the database migrated, the spool not opened), with the file
 * system's words alone: "unable to open database file", "EACCES: permission
 * denied, open '/var/lib/thinkgate/spool/LOCK'", "EEXIST: file already
 * exists, mkdir". Now the start fails first, in one line that names the
 * directory, what is wrong with it, and the setting that moves it.
 *
 * Writing is tried, not inferred from the mode bits: root passes every
 * permission check, yet not a read-only file system, and a full disk shows
 * only when a write fails.
 */
import fs from "node:fs";
import path from "node:path";
import { databaseUrl, providerOf, sqlitePath } from "../db/provider";
import { spoolDir } from "../gateway/record";

export interface DataDir {
  dir: string;
  /** What it holds, as the message names it. */
  what: string;
  /** What to do instead: the setting that moves it. */
  moveWith: string;
  /** The mode it is created with (the spool holds prompts before redaction: 0700, as lib/recorder/journal.ts makes it). */
  mode?: number;
  /** A file in it that is written in place, when it exists already (the database). */
  file?: string;
}

export function dataDirs(env: NodeJS.ProcessEnv = process.env): DataDir[] {
  const dirs: DataDir[] = [];
  const url = databaseUrl(env);
  if (providerOf(url) === "sqlite") {
    const file = path.resolve(sqlitePath(url));
    dirs.push({ dir: path.dirname(file), file, what: "the SQLite database's directory", moveWith: "set DATABASE_URL=file:/a/writable/dir/thinkgate.db" });
  }
  const spool = spoolDir(env);
  if (spool) dirs.push({ dir: spool, mode: 0o700, what: "the record spool's directory", moveWith: "set THINKGATE_SPOOL_DIR to a writable directory (off: no spool, records in memory only)" });
  return dirs;
}

/** The problem in a few words, from the error a directory's creation or a write in it failed with. */
function problem(err: NodeJS.ErrnoException, dir: string, creating: boolean): string {
  switch (err.code) {
    case "EACCES":
    case "EPERM":
      return "is not writable (permission denied)";
    case "EROFS":
      return "is on a read-only file system";
    case "ENOSPC":
    case "EDQUOT":
      return "has no space left";
    case "ENOTDIR":
    case "EEXIST":
      return `cannot be a directory: ${blockingFile(dir) ?? "a part of its path"} is a file`;
    case "ENOENT":
      return creating ? "cannot be created: its parent directory does not take new directories" : "does not take new files";
    default:
      return `cannot be written (${err.code ?? "error"}: ${err.message})`;
  }
}

/** The first part of `dir`'s path that exists and is not a directory. */
function blockingFile(dir: string): string | null {
  for (let p = dir; ; p = path.dirname(p)) {
    try {
      if (!fs.statSync(p).isDirectory()) return p;
    } catch {
      // Not there: look further up.
    }
    if (path.dirname(p) === p) return null;
  }
}

/**
 * mkdir -p, one level at a time. Node's own (mkdirSync with recursive) never
 * returns for a path under /proc whose parent refuses the directory with
 * ENOENT: it tries the parent again, for good (Node 20), and so did the start.
 */
function makeDirs(dir: string, mode: number | undefined): void {
  const missing: string[] = [];
  for (let p = dir; !fs.existsSync(p); p = path.dirname(p)) {
    missing.unshift(p);
    if (path.dirname(p) === p) break;
  }
  for (const p of missing) fs.mkdirSync(p, { mode });
  if (!fs.statSync(dir).isDirectory()) throw Object.assign(new Error(`${dir} is not a directory`), { code: "ENOTDIR" });
}

/** Creates each directory if need be and writes (then removes) a small file in it; throws one line naming the first that fails. */
export function checkDataDirs(dirs: DataDir[] = dataDirs()): void {
  for (const d of dirs) {
    const fail = (err: unknown, creating: boolean, what = `${d.what} ${d.dir}`) =>
      new Error(`${what} ${problem(err as NodeJS.ErrnoException, d.dir, creating)}; fix that, or ${d.moveWith}`);
    try {
      makeDirs(d.dir, d.mode);
    } catch (err) {
      throw fail(err, true);
    }
    const probe = path.join(d.dir, `.thinkgate-write-check-${process.pid}`);
    try {
      fs.writeFileSync(probe, "thinkgate checks that it can write here\n");
      fs.rmSync(probe, { force: true });
    } catch (err) {
      throw fail(err, false);
    }
    if (d.file && fs.existsSync(d.file)) {
      try {
        fs.accessSync(d.file, fs.constants.W_OK);
      } catch (err) {
        throw fail(err, false, `${d.what} ${d.dir}: its file ${path.basename(d.file)}`);
      }
    }
  }
}
