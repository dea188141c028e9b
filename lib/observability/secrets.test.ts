import { describe, expect, it } from "vitest";
import { serializeErr } from "./logger";
import { scrubSecrets, upstreamCredentials } from "./secrets";

const KEY = "opaque-upstream-credential-1234";

describe("scrubSecrets", () => {
  it("removes the configured upstream credentials, literally, and the secret formats thinkgate knows", () => {
    const text = [
      `invalid x-api-key: ${KEY}`,
      "key sk-ant-api03-EXAMPLE-abcdefghijklmnopqrstuvwxyz0123",
      "gateway key tg_0123456789abcdefghijklmnopqrstuv",
      "Authorization: Bearer abcdefghijklmnop0123456789",
      '{"x-api-key": "plain9value8that7is6secret"}',
    ].join("\n");
    const out = scrubSecrets(text, [KEY]);
    for (const secret of [KEY, "sk-ant-api03", "tg_0123456789", "abcdefghijklmnop0123456789", "plain9value8that7is6secret"]) expect(out).not.toContain(secret);
    expect(out).toContain("invalid x-api-key: [redacted:upstream_credential]");
  });

  it("leaves an ordinary error message as it is", () => {
    for (const message of [
      "max_tokens: 16000 > 8192, which is the maximum allowed number of output tokens for claude-haiku-4-5",
      "thinking.budget_tokens: Input should be greater than or equal to 1024",
      "prompt is too long: 210000 tokens > 200000 maximum",
      "Number of requests has exceeded your per-minute rate limit",
    ]) {
      expect(scrubSecrets(message, [KEY])).toBe(message);
    }
  });

  it("reads the credentials from ANTHROPIC_API_KEY and ANTHROPIC_AUTH_TOKEN, ignoring values too short to search for", () => {
    expect(upstreamCredentials({ ANTHROPIC_API_KEY: ` ${KEY} `, ANTHROPIC_AUTH_TOKEN: "token-value-5678" } as unknown as NodeJS.ProcessEnv)).toEqual([KEY, "token-value-5678"]);
    expect(upstreamCredentials({ ANTHROPIC_API_KEY: "short" } as unknown as NodeJS.ProcessEnv)).toEqual([]);
  });
});

describe("the logger's err serializer", () => {
  it("scrubs the message, the stack and the fields of an error, and an error message logged as a string", () => {
    const err = Object.assign(new Error("401 invalid x-api-key: sk-ant-api03-EXAMPLE-abcdefghijklmnopqrstuvwxyz0123"), {
      error: { type: "error", error: { type: "authentication_error", message: "Bearer abcdefghijklmnop0123456789 refused" } },
    });
    const out = JSON.stringify(serializeErr(err));
    expect(out).not.toContain("sk-ant-api03");
    expect(out).not.toContain("abcdefghijklmnop0123456789");
    expect(out).toContain("authentication_error");
    expect(serializeErr("echoed sk-ant-api03-EXAMPLE-abcdefghijklmnopqrstuvwxyz0123")).not.toContain("sk-ant-api03");
  });
});
