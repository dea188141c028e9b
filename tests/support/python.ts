/**
 * The official Python SDKs (`anthropic`, `openai`) for the integration tests,
 * in a virtual environment made once per set of pinned requirements
 * (tests/python/requirements.txt) and Python version, under
 * node_modules/.cache/thinkgate-python/<hash>, and reused by every later run.
 * LangChain (tests/python/requirements-langchain.txt) gets an environment of
 * its own the same way; the local packages its file names (a path line, such
 * as ./stand-ins/...) are part of the hash, so a change to them makes a new one.
 *
 * The test machines cannot reach PyPI: pip installs from their local wheel
 * store (/opt/pypi/files) when it exists, and from the default index (a
 * laptop with internet) otherwise. Making the environment takes ~15 s, once.
 *
 * Two vitest workers (or two runs) may make it at the same moment: each builds
 * in a directory of its own and renames it into place, which is atomic; the
 * one that loses the race removes its copy and uses the winner's. A build that
 * dies half-way leaves only its own temporary directory, never a broken cache.
 */
import { execFile, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "../..");
export const PYTHON_SCRIPTS = path.join(ROOT, "tests/python");
const CACHE = path.join(ROOT, "node_modules/.cache/thinkgate-python");
const WHEELS = process.env.THINKGATE_PYTHON_WHEELS ?? "/opt/pypi/files";
const BASE_PYTHON = process.env.THINKGATE_PYTHON ?? "python3";

export type BasePython = { ok: true; executable: string; version: string } | { ok: false; reason: string };

/** The interpreter the environment is made from: python3 on PATH (or THINKGATE_PYTHON). Cheap, so test files can decide at load time. */
export function basePython(): BasePython {
  const r = spawnSync(BASE_PYTHON, ["-c", "import sys; print(sys.executable); print(sys.version)"], { encoding: "utf8" });
  if (r.error || r.status !== 0) return { ok: false, reason: `${BASE_PYTHON} is not available (${r.error?.message ?? r.stderr.trim()})` };
  const [executable = "", version = ""] = r.stdout.trim().split("\n");
  return { ok: true, executable, version };
}

/** The files of the local packages a requirements file names by path (lines starting "./"), in a fixed order. */
function localPackageFiles(requirements: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      // Bytecode a run left there is not the package.
      if (e.isDirectory()) {
        if (e.name !== "__pycache__") walk(p);
      }
      else files.push(p);
    }
  };
  for (const line of requirements.split("\n").map((l) => l.trim())) if (line.startsWith("./")) walk(path.join(PYTHON_SCRIPTS, line));
  return files;
}

/**
 * The environment's interpreter, with the pinned packages of `requirementsFile`
 * (in tests/python) installed: made on the first call, found on the next ones.
 */
export async function pythonWithSdks(base: { executable: string; version: string }, requirementsFile = "requirements.txt"): Promise<string> {
  const requirementsPath = path.join(PYTHON_SCRIPTS, requirementsFile);
  const requirements = fs.readFileSync(requirementsPath, "utf8");
  const hash = crypto.createHash("sha256").update(`${base.version}\n${requirements}`);
  for (const f of localPackageFiles(requirements)) hash.update(`\n${path.relative(PYTHON_SCRIPTS, f)}\n`).update(fs.readFileSync(f));
  const key = hash.digest("hex").slice(0, 16);
  const dir = path.join(CACHE, key);
  const python = path.join(dir, "bin", "python");
  if (fs.existsSync(python)) return python;

  fs.mkdirSync(CACHE, { recursive: true });
  const tmp = `${dir}.tmp-${process.pid}-${crypto.randomBytes(3).toString("hex")}`;
  try {
    await step(`${base.executable} -m venv (on Debian: apt-get install python3-venv)`, base.executable, ["-m", "venv", tmp]);
    const source = fs.existsSync(WHEELS) ? ["--no-index", "--find-links", WHEELS] : [];
    await step(
      `pip install -r tests/python/${requirementsFile}${source.length ? ` from ${WHEELS}` : ""}`,
      path.join(tmp, "bin", "python"),
      // From tests/python, where the file's ./ paths are; a local package's build backend comes from the same source.
      ["-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--quiet", ...source, "-r", requirementsPath],
      PYTHON_SCRIPTS,
    );
    try {
      fs.renameSync(tmp, dir);
    } catch (err) {
      // Another worker put its environment in place first: the same requirements, so use it.
      if (!["ENOTEMPTY", "EEXIST"].includes((err as NodeJS.ErrnoException).code ?? "")) throw err;
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return python;
}

async function step(what: string, cmd: string, args: string[], cwd?: string): Promise<void> {
  try {
    await run(cmd, args, { cwd, env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: "1" }, maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`making the Python test environment failed at ${what}:\n${e.stderr?.trim() || e.message}`);
  }
}

/**
 * Runs one of the client scripts in tests/python with the environment's
 * interpreter and returns what it printed (one JSON document). The process
 * gets only what it needs: no ANTHROPIC_* or OPENAI_* variable from the
 * developer's shell can point the SDKs elsewhere or add headers.
 */
export async function runClientScript<T>(python: string, script: string, env: Record<string, string>): Promise<T> {
  const clean: Record<string, string> = { PYTHONDONTWRITEBYTECODE: "1", PYTHONIOENCODING: "utf-8", PYTHONUNBUFFERED: "1", ...env };
  for (const k of ["PATH", "HOME", "LANG", "TMPDIR"]) if (process.env[k]) clean[k] = process.env[k]!;
  try {
    const { stdout } = await run(python, [path.join(PYTHON_SCRIPTS, script)], { env: clean as NodeJS.ProcessEnv, cwd: PYTHON_SCRIPTS, maxBuffer: 64 * 1024 * 1024, timeout: 90_000 });
    return JSON.parse(stdout) as T;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${script} failed: ${e.message}\n${e.stderr ?? ""}${e.stdout ? `\nstdout:\n${e.stdout.slice(0, 4000)}` : ""}`);
  }
}
