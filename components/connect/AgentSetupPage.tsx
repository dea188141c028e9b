"use client";

import Link from "next/link";
import { useMemo, useState } from "react";
import { KeyField } from "@/components/home/KeyField";
import { useGatewayKey, useHydrated } from "@/components/hooks/useGatewayKey";
import { useHealth } from "@/components/hooks/useHealth";
import { Card, CardBody, CardHeader } from "@/components/ui/Card";
import { CopyButton } from "@/components/ui/CopyButton";
import { Tabs } from "@/components/ui/Tabs";
import { AGENT_SNIPPETS, buildAgentSnippets, type AgentSnippetId } from "@/lib/ui/agent-setup";

/** What the server renders before the browser knows its own address (as on the home page). */
const DEFAULT_BASE_URL = "http://127.0.0.1:3000/api";

/**
 * Setting up Claude Code and the Claude Agent SDK: the variables (with the
 * user's key filled in), what auto-think does for an agent loop, and which
 * key policy to give them. Static text and pure snippet builders; the key
 * lives in the browser only, as on the home page.
 */
export function AgentSetupPage() {
  const { key, setKey } = useGatewayKey();
  const hydrated = useHydrated();
  const { data: health } = useHealth();
  const [revealed, setRevealed] = useState(false);
  const [active, setActive] = useState<AgentSnippetId>("shell");
  const baseUrl = health?.baseUrl ?? (hydrated ? `${window.location.origin}/api` : DEFAULT_BASE_URL);
  const snippets = useMemo(() => buildAgentSnippets({ baseUrl, key }), [baseUrl, key]);
  const snippet = snippets[active];
  const hint = AGENT_SNIPPETS.find((s) => s.id === active)!.hint;

  return (
    <div className="space-y-5">
      <div>
        <h1 className="text-xl font-semibold tracking-tight text-gray-900">Claude Code and the Agent SDK</h1>
        <p className="mt-1 max-w-3xl text-sm text-gray-600">
          Point Claude Code, or an app built on the Claude Agent SDK, at thinkgate with two environment variables. Nothing
          else changes: tools, permissions, sessions and <code>--continue</code> work as before, and every call is routed and
          recorded.
        </p>
      </div>

      <Card>
        <CardHeader title="1. A key for your agent" description="Use a key of its own, so its traffic, costs and policy are separate from your apps'." />
        <CardBody className="space-y-3 text-sm text-gray-700">
          <p>
            Create a key in{" "}
            <Link href="/settings?tab=keys" className="font-medium text-accent-700 underline">
              Settings → Keys
            </Link>{" "}
            and set its client-thinking policy to <strong>decide</strong>. Claude Code always sends a thinking configuration
            of its own (adaptive thinking, or a budget from <code>MAX_THINKING_TOKENS</code>); under the default policy,{" "}
            <strong>honour</strong>, thinkgate keeps what a client asks for and so would never decide for Claude Code.{" "}
            <strong>decide</strong> lets thinkgate turn thinking up or down per user turn; a cap limits how far.
          </p>
          <KeyField savedKey={key} onSave={setKey} revealed={revealed} onToggleReveal={() => setRevealed((r) => !r)} />
        </CardBody>
      </Card>

      <Card>
        <CardHeader title="2. Point the client at thinkgate" description={hint} />
        <CardBody className="min-w-0 space-y-3">
          <Tabs tabs={AGENT_SNIPPETS} active={active} onChange={(id) => setActive(id as AgentSnippetId)} label="Client" className="max-w-full flex-wrap" />
          <div className="min-w-0 overflow-hidden rounded-md border border-gray-800 bg-gray-950">
            <div className="flex justify-end border-b border-gray-800 px-2 py-1.5">
              <CopyButton value={snippet.copy} variant="inverse" title={key ? "Copies the snippet with your full key" : "Copies the snippet"} />
            </div>
            <pre tabIndex={0} className="overflow-x-auto p-3 text-[12px] leading-5 text-gray-100">
              <code>{revealed ? snippet.copy : snippet.display}</code>
            </pre>
          </div>
          <ul className="list-disc space-y-1 pl-5 text-xs text-gray-600">
            <li>
              <code>ANTHROPIC_BASE_URL</code> ends in <code>/api</code>: the client adds <code>/v1/messages</code>.
            </li>
            <li>
              The key goes in <code>ANTHROPIC_API_KEY</code> (sent as <code>x-api-key</code>) or <code>ANTHROPIC_AUTH_TOKEN</code>{" "}
              (sent as <code>Authorization: Bearer</code>); thinkgate takes either.
            </li>
            <li>
              <code>MAX_THINKING_TOKENS</code> and <code>--model</code> keep working: thinkgate sees what they ask for, and the
              key&apos;s policy says what it may change.
            </li>
          </ul>
        </CardBody>
      </Card>

      <Card>
        <CardHeader title="What auto-think does for an agent" />
        <CardBody>
          <ul className="list-disc space-y-2 pl-5 text-sm text-gray-700">
            <li>
              <strong>One decision per user turn.</strong> The router reads what you typed, not Claude Code&apos;s system
              reminders, tool results or injected context, and decides once. Every tool call of that turn (Read, Bash, Edit, …)
              is served by the same model with the same thinking, as the API requires of a tool loop.
            </li>
            <li>
              <strong>Background calls go standard.</strong> Titles, summaries and other small calls without tools never reach
              the classifier.
            </li>
            <li>
              <strong>Conversations stay valid.</strong> A new turn is decided anew only where the model allows it; thinking
              blocks go back to the API unmodified, so turn 2 never fails on an invalid signature.
            </li>
            <li>
              <strong>Everything is in the trace.</strong> The stored prompt is your text for the turn; the trace shows the
              decision, the model, the thinking and the cost of each call of the loop.
            </li>
          </ul>
        </CardBody>
      </Card>
    </div>
  );
}
