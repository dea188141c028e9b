/**
 * Secrets live in the environment or a git-ignored .env, never in the
 * repository: no tracked file may contain something shaped like a real API
 * key, and .env files other than .env.example must not be tracked.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "../..");

/** Shapes of real credentials (long enough that a placeholder or a test's made-up value does not match). */
const SECRET_SHAPES: [string, RegExp][] = [
  ["Anthropic API key", /sk-ant-(?:api|admin)\d{2}-[A-Za-z0-9_-]{20,}/],
  ["OpenAI-style key", /\bsk-(?:proj-)?[A-Za-z0-9]{32,}\b/],
  ["AWS access key id", /\bAKIA[0-9A-Z]{16}\b/],
  ["GitHub token", /\bgh[pousr]_[A-Za-z0-9]{36,}\b/],
  ["private key", /-----BEGIN (?:RSA |EC |OPENSSH |DSA )?PRIVATE KEY-----/],
  ["Slack token", /\bxox[baprs]-[A-Za-z0-9-]{20,}\b/],
];

/**
 * Files that must hold secret-shaped strings: the redactor's tests feed it
 * fake keys to prove it removes them (and this file states the shapes).
 */
const ALLOWED_FILES = [/^lib\/traces\/redaction\.test\.ts$/, /^tests\/unit\/no-secrets\.test\.ts$/];
/** Documented placeholders, e.g. AWS's AKIAIOSFODNN7EXAMPLE, or XXXX-filled ones. */
const PLACEHOLDER = /EXAMPLE|X{8,}|x{8,}/;

function trackedFiles(): string[] {
  return execFileSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 })
    .split("\0")
    .filter(Boolean);
}

describe("the repository holds no secrets", () => {
  it("tracks no .env file but the example, and the example sets no value", () => {
    const files = trackedFiles();
    expect(files.length).toBeGreaterThan(50);
    expect(files.filter((f) => /(^|\/)\.env(\.|$)/.test(f) && !f.endsWith(".env.example"))).toEqual([]);
    const example = fs.readFileSync(path.join(ROOT, ".env.example"), "utf8");
    const assignments = example.split("\n").filter((l) => /^\s*[A-Z_]+=\S/.test(l));
    expect(assignments).toEqual([]);
  });

  it("has no tracked file containing a credential-shaped string", () => {
    const hits: string[] = [];
    for (const f of trackedFiles()) {
      const file = path.join(ROOT, f);
      let stat: fs.Stats;
      try {
        stat = fs.statSync(file);
      } catch {
        continue; // deleted in the working tree
      }
      if (!stat.isFile() || stat.size > 5 * 1024 * 1024 || ALLOWED_FILES.some((a) => a.test(f))) continue;
      const text = fs.readFileSync(file, "latin1");
      for (const [what, re] of SECRET_SHAPES) {
        for (const m of text.matchAll(new RegExp(re.source, "g"))) if (!PLACEHOLDER.test(m[0])) hits.push(`${f}: ${what}`);
      }
    }
    expect(hits).toEqual([]);
  });

  it("would notice one (the shapes match real-looking keys)", () => {
    const fake = ["sk-ant-api03-", "Q7f".repeat(14)].join("");
    expect(SECRET_SHAPES.some(([, re]) => re.test(fake)) && !PLACEHOLDER.test(fake)).toBe(true);
  });
});
