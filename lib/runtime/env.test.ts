import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_MAX_BODY_BYTES, loadDotEnv, readEnv, validateBaseUrl } from "./env";

const base = { DATABASE_URL: "file:./x.db" } as unknown as NodeJS.ProcessEnv;

describe("runtime environment", () => {
  it("accepts http(s) base URLs and trims the trailing slash", () => {
    expect(validateBaseUrl("https://api.anthropic.com/", "X")).toBe("https://api.anthropic.com");
    expect(validateBaseUrl("http://127.0.0.1:4010/api/simulator", "X")).toBe("http://127.0.0.1:4010/api/simulator");
  });

  it.each([
    ["not a url", /X is not an absolute URL/],
    ["/relative/path", /X is not an absolute URL/],
    ["ftp://example.com", /X must be http:\/\/ or https:\/\/, not ftp:/],
    ["file:///etc/passwd", /X must be http:\/\/ or https:\/\//],
    ["javascript:alert(1)", /X must be http:\/\/ or https:\/\//],
    ["https://user:hunter2-secret@example.com", /X must not carry credentials/],
    ["https://token-secret@example.com", /X must not carry credentials/],
    ["https://example.com/?key=abc-secret", /X must not have a query or fragment/],
    ["https://example.com/#frag", /X must not have a query or fragment/],
  ])("refuses %s with a message naming the variable and not echoing the value", (value, message) => {
    let error = "";
    try {
      validateBaseUrl(value, "X");
    } catch (err) {
      error = (err as Error).message;
    }
    expect(error).toMatch(message);
    expect(error).not.toContain("secret");
  });

  it("validates the rest of the environment at start, never echoing a key", () => {
    expect(readEnv(base).maxBodyBytes).toBe(DEFAULT_MAX_BODY_BYTES);
    expect(readEnv({ ...base, THINKGATE_MAX_BODY_BYTES: "1048576" }).maxBodyBytes).toBe(1_048_576);
    expect(() => readEnv({ ...base, THINKGATE_MAX_BODY_BYTES: "lots" })).toThrow(/THINKGATE_MAX_BODY_BYTES must be a positive whole number/);
    expect(() => readEnv({ ...base, THINKGATE_MAX_BODY_BYTES: "-1" })).toThrow(/THINKGATE_MAX_BODY_BYTES/);
    expect(readEnv(base)).toMatchObject({ headersTimeoutMs: 60_000, bodyTimeoutMs: 30_000, uploadTimeoutMs: 600_000 });
    expect(readEnv({ ...base, THINKGATE_HEADERS_TIMEOUT_MS: "5000", THINKGATE_BODY_TIMEOUT_MS: "120000" })).toMatchObject({ headersTimeoutMs: 5_000, bodyTimeoutMs: 120_000 });
    expect(() => readEnv({ ...base, THINKGATE_BODY_TIMEOUT_MS: "0" })).toThrow(/THINKGATE_BODY_TIMEOUT_MS must be a positive whole number/);
    expect(() => readEnv({ ...base, ANTHROPIC_BASE_URL: "ftp://x" })).toThrow(/ANTHROPIC_BASE_URL/);
    expect(() => readEnv({ ...base, OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318" })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT must be http/);
    expect(() => readEnv({ ...base, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "https://u:p@otel.example.com/v1/traces" })).toThrow(/OTEL_EXPORTER_OTLP_TRACES_ENDPOINT must not carry credentials/);
    expect(readEnv({ ...base, OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318" }).mode).toBe("simulator");
    expect(() => readEnv({ ...base, THINKGATE_BOOTSTRAP_KEY: "short" })).toThrow(/THINKGATE_BOOTSTRAP_KEY must be at least 20 characters/);
    let error = "";
    try {
      readEnv({ ...base, ANTHROPIC_API_KEY: "sk-ant-abc def-secret" });
    } catch (err) {
      error = (err as Error).message;
    }
    expect(error).toMatch(/ANTHROPIC_API_KEY may only contain visible ASCII/);
    expect(error).not.toContain("secret");
    const anthropic = readEnv({ ...base, ANTHROPIC_API_KEY: "sk-ant-test" });
    expect(anthropic.mode).toBe("anthropic");
    expect(anthropic.upstreamBaseUrl).toBe("https://api.anthropic.com");
  });

  it("reads the retention settings, refusing a bad value by name", () => {
    expect(readEnv(base)).toMatchObject({ retention: { pinDays: 30, recordDays: 0, textDays: 0 }, retentionSweepMs: 3_600_000 });
    expect(
      readEnv({ ...base, THINKGATE_PIN_RETENTION_DAYS: "0", THINKGATE_RECORD_RETENTION_DAYS: "400", THINKGATE_TEXT_RETENTION_DAYS: " 7 ", THINKGATE_RETENTION_SWEEP_MS: "200" }),
    ).toMatchObject({ retention: { pinDays: 0, recordDays: 400, textDays: 7 }, retentionSweepMs: 200 });
    for (const name of ["THINKGATE_PIN_RETENTION_DAYS", "THINKGATE_RECORD_RETENTION_DAYS", "THINKGATE_TEXT_RETENTION_DAYS"]) {
      for (const bad of ["-1", "1.5", "thirty", "36501"]) {
        expect(() => readEnv({ ...base, [name]: bad })).toThrow(new RegExp(`${name} must be a whole number from 0 to 36500`));
      }
    }
    // The sweep period's earlier name still works; the new one wins when both are set.
    expect(readEnv({ ...base, THINKGATE_PIN_SWEEP_MS: "300" }).retentionSweepMs).toBe(300);
    expect(readEnv({ ...base, THINKGATE_PIN_SWEEP_MS: "300", THINKGATE_RETENTION_SWEEP_MS: "400" }).retentionSweepMs).toBe(400);
    // 0 would sweep in a busy loop; past 2^31-1 ms Node fires the timer after 1 ms.
    for (const bad of ["0", "-5", "1h", "2147483648"]) {
      expect(() => readEnv({ ...base, THINKGATE_RETENTION_SWEEP_MS: bad })).toThrow(/THINKGATE_RETENTION_SWEEP_MS must be a whole number from 1 to 2147483647/);
      expect(() => readEnv({ ...base, THINKGATE_PIN_SWEEP_MS: bad })).toThrow(/THINKGATE_PIN_SWEEP_MS must be a whole number from 1 to 2147483647/);
    }
  });

  it("loads .env without overriding the real environment", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "thinkgate-env-"));
    try {
      const env = {} as unknown as NodeJS.ProcessEnv;
      expect(loadDotEnv(dir, env)).toBeNull();
      fs.writeFileSync(path.join(dir, ".env"), "THINKGATE_DOTENV_A=from-file\nTHINKGATE_DOTENV_B=from-file\n");
      process.env.THINKGATE_DOTENV_B = "from-env";
      expect(loadDotEnv(dir, env)).toBe(path.join(dir, ".env"));
      expect(process.env.THINKGATE_DOTENV_A).toBe("from-file");
      expect(process.env.THINKGATE_DOTENV_B).toBe("from-env");
    } finally {
      delete process.env.THINKGATE_DOTENV_A;
      delete process.env.THINKGATE_DOTENV_B;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
