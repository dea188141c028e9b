import { describe, expect, it } from "vitest";
import { ANTHROPIC_VERSION, buildSnippets, KEY_PLACEHOLDER, SNIPPET_MODEL } from "./snippets";

const baseUrl = "http://127.0.0.1:3000/api";
const key = "tg_live_0123456789abcdefXYZW";

describe("buildSnippets", () => {
  it("copies the full key but shows it masked", () => {
    const s = buildSnippets({ baseUrl, key });
    for (const snippet of Object.values(s)) {
      expect(snippet.copy).toContain(key);
      expect(snippet.display).not.toContain(key);
      expect(snippet.display).toContain("•");
    }
  });

  it("uses a placeholder until a key is saved", () => {
    const s = buildSnippets({ baseUrl, key: null });
    expect(s.typescript.copy).toContain(KEY_PLACEHOLDER);
    expect(s.typescript.display).toBe(s.typescript.copy);
  });

  it("points the TypeScript SDK at the gateway", () => {
    const { copy } = buildSnippets({ baseUrl, key }).typescript;
    expect(copy).toContain('import Anthropic from "@anthropic-ai/sdk";');
    expect(copy).toContain(`baseURL: "${baseUrl}"`);
    expect(copy).toContain(`apiKey: "${key}"`);
    expect(copy).toContain(`model: "${SNIPPET_MODEL}"`);
    expect(copy).toContain("max_tokens: 1024");
  });

  it("points the Python SDK at the gateway", () => {
    const { copy } = buildSnippets({ baseUrl, key }).python;
    expect(copy).toContain("anthropic.Anthropic(");
    expect(copy).toContain(`base_url="${baseUrl}"`);
    expect(copy).toContain(`api_key="${key}"`);
  });

  it("builds a curl command with the headers the API requires and a JSON body", () => {
    const { copy } = buildSnippets({ baseUrl: `${baseUrl}/`, key }).curl;
    expect(copy).toContain(`curl "${baseUrl}/v1/messages"`);
    expect(copy).toContain(`-H "x-api-key: ${key}"`);
    expect(copy).toContain(`-H "anthropic-version: ${ANTHROPIC_VERSION}"`);
    expect(copy).toContain('-H "content-type: application/json"');
    const body = copy.slice(copy.indexOf("-d '") + 4, copy.lastIndexOf("'"));
    expect(JSON.parse(body)).toMatchObject({ model: SNIPPET_MODEL, max_tokens: 1024 });
  });

  it("escapes characters the shell would expand", () => {
    const { copy } = buildSnippets({ baseUrl, key: "k$HOME`x`" }).curl;
    expect(copy).toContain('-H "x-api-key: k\\$HOME\\`x\\`"');
  });
});
