/**
 * The "connect your app" code snippets. Each is built twice from the same
 * template: once with the full key (what the copy button puts on the
 * clipboard) and once with the key masked (what the screen shows, so a key
 * does not leak into a screen share or a screenshot).
 */

import { maskGatewayKey } from "./gateway-key";

export type SnippetLanguage = "typescript" | "python" | "curl";

export const SNIPPET_LANGUAGES: { id: SnippetLanguage; label: string }[] = [
  { id: "typescript", label: "TypeScript" },
  { id: "python", label: "Python" },
  { id: "curl", label: "curl" },
];

/** Used in the snippets until the user pastes a key. */
export const KEY_PLACEHOLDER = "YOUR_THINKGATE_KEY";

export const SNIPPET_MODEL = "claude-sonnet-4-6";
/** What SDK 1.x sends; curl has to send it by hand. */
export const ANTHROPIC_VERSION = "2026-10-21";
const SAMPLE_PROMPT = "Is 3599 a prime number? Explain briefly.";

export interface SnippetInput {
  /** e.g. "http://127.0.0.1:3000/api"; the SDKs append /v1/messages themselves. */
  baseUrl: string;
  /** The gateway key, or null when none is saved. */
  key: string | null;
}

export interface Snippet {
  language: SnippetLanguage;
  /** With the key masked: for the screen. */
  display: string;
  /** With the full key: for the clipboard. */
  copy: string;
}

// A JSON string literal is also a valid TypeScript and Python string literal
// for the characters a URL or a key can hold, and it escapes quotes.
const lit = (s: string) => JSON.stringify(s);

// Inside double quotes the shell still expands $, ` and \ — escape them so a
// key is sent exactly as pasted.
const shellDoubleQuoted = (s: string) => `"${s.replace(/["\\$`]/g, (c) => `\\${c}`)}"`;

function typescript(baseUrl: string, key: string): string {
  return `import Anthropic from "@anthropic-ai/sdk";

const client = new Anthropic({
  baseURL: ${lit(baseUrl)},
  apiKey: ${lit(key)},
});

const message = await client.messages.create({
  model: ${lit(SNIPPET_MODEL)},
  max_tokens: 1024,
  messages: [{ role: "user", content: ${lit(SAMPLE_PROMPT)} }],
});
console.log(message.content);
`;
}

function python(baseUrl: string, key: string): string {
  return `import anthropic

client = anthropic.Anthropic(
    base_url=${lit(baseUrl)},
    api_key=${lit(key)},
)

message = client.messages.create(
    model=${lit(SNIPPET_MODEL)},
    max_tokens=1024,
    messages=[{"role": "user", "content": ${lit(SAMPLE_PROMPT)}}],
)
print(message.content)
`;
}

function curl(baseUrl: string, key: string): string {
  const body = JSON.stringify(
    { model: SNIPPET_MODEL, max_tokens: 1024, messages: [{ role: "user", content: SAMPLE_PROMPT }] },
    null,
    2,
  )
    .split("\n")
    .map((line, i) => (i === 0 ? line : `  ${line}`))
    .join("\n");
  return `curl ${shellDoubleQuoted(`${trimSlash(baseUrl)}/v1/messages`)} \\
  -H ${shellDoubleQuoted(`x-api-key: ${key}`)} \\
  -H "anthropic-version: ${ANTHROPIC_VERSION}" \\
  -H "content-type: application/json" \\
  -d '${body}'
`;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

const BUILDERS: Record<SnippetLanguage, (baseUrl: string, key: string) => string> = { typescript, python, curl };

export function buildSnippet(language: SnippetLanguage, input: SnippetInput): Snippet {
  const baseUrl = trimSlash(input.baseUrl);
  const build = BUILDERS[language];
  const key = input.key ?? KEY_PLACEHOLDER;
  return {
    language,
    display: build(baseUrl, input.key ? maskGatewayKey(input.key) : KEY_PLACEHOLDER),
    copy: build(baseUrl, key),
  };
}

export function buildSnippets(input: SnippetInput): Record<SnippetLanguage, Snippet> {
  return {
    typescript: buildSnippet("typescript", input),
    python: buildSnippet("python", input),
    curl: buildSnippet("curl", input),
  };
}

/** The optional routing headers, as the connect card lists them. */
export const ROUTING_HEADERS: { name: string; values: string; description: string }[] = [
  {
    name: "thinkgate-tier",
    values: "reasoning | standard | auto",
    description: "Forces a tier for this request; auto (the default) lets the router decide.",
  },
  {
    name: "thinkgate-app",
    values: "e.g. legal-review",
    description: "Names the calling application: context rules can make an app always or never reason, and costs group by it.",
  },
  {
    name: "thinkgate-task",
    values: "e.g. code-review",
    description: "Tags the kind of work; routing rules match on it.",
  },
];
