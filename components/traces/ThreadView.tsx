"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Badge } from "@/components/ui/Badge";
import { Card, CardBody, CardHeader } from "@/components/ui/Card";
import { ErrorState } from "@/components/ui/ErrorState";
import { Spinner } from "@/components/ui/Spinner";
import { apiFetch } from "@/lib/ui/api-client";
import { showBidiControls } from "@/lib/ui/bidi";
import { cn } from "@/lib/ui/cn";
import { formatTimestamp } from "@/lib/ui/format";
import type { TraceThread } from "@/lib/traces/wire";

type Call = TraceThread["turns"][number]["calls"][number];

/**
 * /traces/[id]/thread: the conversation a request belongs to, as one thread:
 * each user turn with the calls of its agent loop (tool results sent, the
 * thinking, the answer and the tools it called), and which calls were served
 * on the pinned configuration.
 */
export function ThreadView({ id }: { id: string }) {
  const query = useQuery({
    queryKey: ["traces", "thread", id],
    queryFn: ({ signal }) => apiFetch<TraceThread>(`/api/traces/${encodeURIComponent(id)}/thread`, { signal }),
  });
  if (query.error) return <Card><ErrorState title="Could not load this conversation" error={query.error} onRetry={() => void query.refetch()} /></Card>;
  if (!query.data) {
    return (
      <div className="flex items-center justify-center gap-2 py-16 text-sm text-gray-500">
        <Spinner label="Loading the conversation" /> Loading the conversation…
      </div>
    );
  }
  const t = query.data;
  return (
    <div className="space-y-4">
      <div className="space-y-1">
        <Link href={`/traces/${encodeURIComponent(id)}`} className="text-sm text-accent-700 hover:underline">← Back to the trace</Link>
        <h1 className="text-xl font-semibold tracking-tight text-gray-900">Conversation</h1>
        <p className="text-sm text-gray-600">
          {t.calls} call{t.calls === 1 ? "" : "s"} · {t.turns.filter((x) => x.turn > 0).length} user turn{t.turns.length === 1 ? "" : "s"} · {t.toolCalls} tool call
          {t.toolCalls === 1 ? "" : "s"} · {t.models.join(", ")}
        </p>
        {t.truncated ? (
          <p className="text-sm text-gray-600" role="note">
            A long loop: the {t.calls} calls around the one you opened, of {t.earlier + t.calls + t.later}; {t.earlier} earlier and {t.later} later calls are not shown.
          </p>
        ) : null}
      </div>
      <ol className="space-y-4" aria-label="Turns">
        {t.turns.map((turn, i) => (
          <li key={i}>
            <Card>
              <section aria-label={turn.turn > 0 ? `Turn ${turn.turn}` : "Earlier calls"} data-testid="thread-turn">
                <CardHeader
                  title={turn.turn > 0 ? `Turn ${turn.turn}` : "Calls before the first stored user turn"}
                  description={`${turn.calls.length} call${turn.calls.length === 1 ? "" : "s"}`}
                />
                <CardBody className="space-y-3">
                  {turn.calls.map((c) => <CallItem key={c.id} call={c} current={c.id === id} />)}
                </CardBody>
              </section>
            </Card>
          </li>
        ))}
      </ol>
    </div>
  );
}

function CallItem({ call, current }: { call: Call; current: boolean }) {
  return (
    <article
      aria-label={`Call ${call.id}`}
      aria-current={current ? "true" : undefined}
      data-testid="thread-call"
      className={cn("space-y-2 rounded-md border px-3 py-2", current ? "border-accent-300 bg-accent-50/40" : "border-gray-200")}
    >
      <p className="flex flex-wrap items-center gap-2 text-xs text-gray-600">
        <Link href={`/traces/${encodeURIComponent(call.id)}`} className="font-mono text-accent-700 hover:underline">{call.id}</Link>
        <span>{formatTimestamp(call.at)}</span>
        <span className="font-mono">{call.model}</span>
        <Badge tone={call.tier === "reasoning" ? "reasoning" : "standard"}>{call.tier}</Badge>
        {call.pinned ? <Badge tone="neutral">pinned</Badge> : <span>decided: {call.stage}</span>}
        {call.failureScore !== null ? <span title="Probability that the answer is wrong">likely wrong {Math.round(call.failureScore * 100)}%</span> : null}
        {call.status !== "ok" ? <Badge tone="danger">{call.status}</Badge> : null}
      </p>
      {call.textCleared ? <p className="text-xs text-gray-500 italic">Text cleared by the text retention (THINKGATE_TEXT_RETENTION_DAYS).</p> : null}
      {call.userText ? <Block label="User">{call.userText}</Block> : null}
      {call.toolResults.map((r) => (
        <Block key={r.toolUseId} label={`Tool result${r.isError ? " (error)" : ""} · ${r.toolUseId}`} tone={r.isError ? "danger" : "tool"}>
          {r.content || "(empty)"}
        </Block>
      ))}
      {call.thinking ? (
        <details className="rounded bg-gray-50 px-2 py-1">
          <summary className="cursor-pointer text-xs text-gray-600">Thinking ({call.thinking.length.toLocaleString("en-US")} characters)</summary>
          <p className="mt-1 text-xs whitespace-pre-wrap text-gray-800">{call.thinking}</p>
        </details>
      ) : call.thinkingTokens > 0 && !call.textCleared ? (
        <p className="text-xs text-gray-500 italic">Thought for {call.thinkingTokens.toLocaleString("en-US")} tokens; no text stored ({call.thinkingStatus}).</p>
      ) : null}
      {call.answer ? <Block label="Answer">{call.answer}</Block> : null}
      {call.toolCalls.map((tc) => (
        <Block key={tc.id} label={`Tool call · ${showBidiControls(tc.name)} · ${showBidiControls(tc.id)}`} tone="tool" mono>
          {tc.input || "{}"}
        </Block>
      ))}
    </article>
  );
}

function Block({ label, children, tone, mono }: { label: string; children: string; tone?: "tool" | "danger"; mono?: boolean }) {
  return (
    <div className={cn("rounded px-2 py-1", tone === "tool" ? "bg-indigo-50" : tone === "danger" ? "bg-red-50" : "bg-white")}>
      <p className="text-[11px] font-medium text-gray-500">{label}</p>
      <p className={cn("max-h-64 overflow-auto text-sm whitespace-pre-wrap text-gray-900", mono && "font-mono text-xs")}>{children}</p>
    </div>
  );
}
