/**
 * The setup snippets for agent clients (Claude Code, the Claude Agent SDK):
 * built like the SDK snippets (snippets.ts), with the full key for the
 * clipboard and a masked one for the screen. Claude Code is pointed at
 * thinkgate by environment variables alone: its base URL is thinkgate's
 * `/api` (Claude Code appends /v1/messages), and the key goes in
 * ANTHROPIC_API_KEY (sent as x-api-key) or ANTHROPIC_AUTH_TOKEN (sent as
 * Authorization: Bearer); thinkgate takes either.
 */
import { maskGatewayKey } from "./gateway-key";
import { KEY_PLACEHOLDER, type SnippetInput } from "./snippets";

export type AgentSnippetId = "shell" | "settings" | "agent-sdk";

export const AGENT_SNIPPETS: { id: AgentSnippetId; label: string; hint: string }[] = [
  { id: "shell", label: "Shell", hint: "Claude Code: in the shell you start claude from, or your shell profile." },
  { id: "settings", label: "settings.json", hint: "Claude Code: in ~/.claude/settings.json (every project) or .claude/settings.local.json (one project, not committed)." },
  { id: "agent-sdk", label: "Agent SDK", hint: "The SDK runs Claude Code underneath: the same variables, passed in options.env." },
];

export interface AgentSnippet {
  id: AgentSnippetId;
  display: string;
  copy: string;
}

/** Claude Code's switches for a machine that must not call home (telemetry, error reports, auto-update). */
const QUIET = "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC";

const lit = (s: string) => JSON.stringify(s);
// Single quotes keep the shell from expanding anything in the key; a single quote itself is closed, escaped and reopened.
const shellQuoted = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function shell(baseUrl: string, key: string): string {
  return `export ANTHROPIC_BASE_URL=${shellQuoted(baseUrl)}
export ANTHROPIC_API_KEY=${shellQuoted(key)}
# Optional: no telemetry, error reports or update checks leave the machine.
export ${QUIET}=1
claude
`;
}

function settings(baseUrl: string, key: string): string {
  return `${JSON.stringify({ env: { ANTHROPIC_BASE_URL: baseUrl, ANTHROPIC_AUTH_TOKEN: key, [QUIET]: "1" } }, null, 2)}
`;
}

function agentSdk(baseUrl: string, key: string): string {
  return `import { query } from "@anthropic-ai/claude-agent-sdk";

for await (const message of query({
  prompt: "Read README.md and list the setup steps.",
  options: {
    allowedTools: ["Read"],
    env: { ...process.env, ANTHROPIC_BASE_URL: ${lit(baseUrl)}, ANTHROPIC_API_KEY: ${lit(key)} },
  },
})) {
  if (message.type === "result" && message.subtype === "success") console.log(message.result);
}
`;
}

const BUILDERS: Record<AgentSnippetId, (baseUrl: string, key: string) => string> = { shell, settings, "agent-sdk": agentSdk };

export function buildAgentSnippets(input: SnippetInput): Record<AgentSnippetId, AgentSnippet> {
  const baseUrl = input.baseUrl.replace(/\/+$/, "");
  const shown = input.key ? maskGatewayKey(input.key) : KEY_PLACEHOLDER;
  const key = input.key ?? KEY_PLACEHOLDER;
  const out = {} as Record<AgentSnippetId, AgentSnippet>;
  for (const { id } of AGENT_SNIPPETS) out[id] = { id, display: BUILDERS[id](baseUrl, shown), copy: BUILDERS[id](baseUrl, key) };
  return out;
}
