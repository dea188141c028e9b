import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { buildAgentSnippets } from "./agent-setup";
import { KEY_PLACEHOLDER } from "./snippets";

const baseUrl = "http://gateway.internal:3000/api/";
const key = "tg_live_0123456789abcdefXYZW";

describe("agent client setup snippets", () => {
  it("copies the full key and shows it masked, with the base URL Claude Code appends /v1/messages to", () => {
    for (const s of Object.values(buildAgentSnippets({ baseUrl, key }))) {
      expect(s.copy).toContain(key);
      expect(s.copy).toContain("http://gateway.internal:3000/api");
      expect(s.copy).not.toContain("/api/");
      expect(s.display).not.toContain(key);
      expect(s.display).toContain("•");
    }
    expect(buildAgentSnippets({ baseUrl, key: null }).shell.copy).toContain(KEY_PLACEHOLDER);
  });

  it("the shell snippet sets exactly the key as pasted, whatever it holds", () => {
    const odd = "tg_a'b$HOME`x`";
    const script = buildAgentSnippets({ baseUrl, key: odd }).shell.copy.replace(/^claude$/m, 'printf "%s\\n%s" "$ANTHROPIC_BASE_URL" "$ANTHROPIC_API_KEY"');
    expect(execFileSync("sh", ["-c", script], { encoding: "utf8" })).toBe(`http://gateway.internal:3000/api\n${odd}`);
  });

  it("the settings.json snippet is JSON with an env block (the key as a Bearer token)", () => {
    const parsed = JSON.parse(buildAgentSnippets({ baseUrl, key }).settings.copy) as { env: Record<string, string> };
    expect(parsed.env).toEqual({ ANTHROPIC_BASE_URL: "http://gateway.internal:3000/api", ANTHROPIC_AUTH_TOKEN: key, CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1" });
  });

  it("the Agent SDK snippet passes the variables in options.env", () => {
    const { copy } = buildAgentSnippets({ baseUrl, key })["agent-sdk"];
    expect(copy).toContain('import { query } from "@anthropic-ai/claude-agent-sdk";');
    expect(copy).toContain(`ANTHROPIC_BASE_URL: "http://gateway.internal:3000/api", ANTHROPIC_API_KEY: "${key}"`);
  });
});
