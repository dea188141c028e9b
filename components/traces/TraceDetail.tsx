"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type ReactNode } from "react";
import { AddToSetForm } from "@/components/calibration/AddToSetForm";
import type { Role } from "@/components/calibration/types";
import { EscalatedBadge } from "@/components/home/RequestsTable";
import { Badge, StatusDot } from "@/components/ui/Badge";
import { Button, buttonClasses } from "@/components/ui/Button";
import { Card, CardBody, CardHeader } from "@/components/ui/Card";
import { CopyButton } from "@/components/ui/CopyButton";
import { ErrorState } from "@/components/ui/ErrorState";
import { Spinner } from "@/components/ui/Spinner";
import { apiFetch, isApiError } from "@/lib/ui/api-client";
import { cn } from "@/lib/ui/cn";
import { formatDuration, formatTimestamp, formatTokens, formatUsd } from "@/lib/ui/format";
import { escalationView } from "@/lib/traces/hops";
import type { TraceDetail as Trace } from "@/lib/traces/wire";
import { SignalText } from "./SignalText";
import { Untrusted } from "@/components/ui/Untrusted";

export function traceQueryKey(id: string) {
  return ["traces", "detail", id] as const;
}

/** /traces/[id]: one request, everything the gateway knows about it. `role` hides what only editors and admins may do. */
export function TraceDetail({ id, role }: { id: string; role: Role }) {
  const canEdit = role === "editor" || role === "admin";
  const query = useQuery({
    queryKey: traceQueryKey(id),
    queryFn: ({ signal }) => apiFetch<Trace>(`/api/traces/${encodeURIComponent(id)}`, { signal }),
  });

  if (query.error) {
    const err = query.error;
    return (
      <Card>
        <ErrorState
          title={isApiError(err) && err.status === 404 ? "No request with this id" : "Could not load this trace"}
          error={err}
          onRetry={isApiError(err) && err.status === 404 ? undefined : () => void query.refetch()}
        >
          <Link href="/traces" className="text-accent-700 underline underline-offset-2">Back to all traces</Link>
        </ErrorState>
      </Card>
    );
  }
  if (!query.data) {
    return (
      <div className="flex items-center justify-center gap-2 py-16 text-sm text-gray-500">
        <Spinner label="Loading the trace" /> Loading the trace…
      </div>
    );
  }
  const t = query.data;
  return (
    <div className="space-y-4">
      <Header t={t} />
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-[minmax(0,1fr)_22rem]">
        <div className="min-w-0 space-y-4">
          <PromptCard t={t} />
          <ThinkingCard t={t} />
          <AnswerCard t={t} />
          <RejectedAnswers t={t} />
        </div>
        <div className="min-w-0 space-y-4">
          <FailureCard t={t} />
          <LabelCard t={t} />
          {canEdit ? <AddToSet t={t} /> : null}
          <DecisionCard t={t} />
          <CostCard t={t} />
          {role === "admin" && !t.textClearedAt ? <ClearTextCard t={t} /> : null}
        </div>
      </div>
    </div>
  );
}

function Header({ t }: { t: Trace }) {
  return (
    <div className="space-y-2">
      <Link href="/traces" className="text-sm text-accent-700 hover:underline">← All traces</Link>
      <div className="flex flex-wrap items-center gap-x-3 gap-y-2">
        <h1 className="text-xl font-semibold tracking-tight text-gray-900">Trace</h1>
        <code className="min-w-0 truncate rounded bg-gray-100 px-1.5 py-0.5 text-xs text-gray-800">{t.id}</code>
        <CopyButton value={t.id} variant="ghost" label="Copy id" title="Copy the request id" />
      </div>
      <div className="flex flex-wrap items-center gap-2 text-sm text-gray-600">
        <Badge tone={t.tier === "reasoning" ? "reasoning" : "standard"}>{t.tier}</Badge>
        {t.escalated ? <EscalatedBadge /> : null}
        <StatusDot tone={t.status === "ok" ? "success" : t.status === "partial" ? "warning" : "danger"} title={`HTTP ${t.httpStatus}`}>
          {t.status === "error" ? `error ${t.httpStatus}` : t.status}
        </StatusDot>
        <span aria-hidden>·</span>
        <span>{formatTimestamp(t.createdAt)}</span>
        <span aria-hidden>·</span>
        <span className="font-mono text-xs">{t.servedModel}</span>
        <span aria-hidden>·</span>
        <span>{formatDuration(t.latencyMs)}</span>
        {t.app || t.task ? (
          <>
            <span aria-hidden>·</span>
            <Untrusted text={[t.app, t.task].filter(Boolean).join(" · ")} />
          </>
        ) : null}
        {t.via && t.via !== "messages" ? (
          <>
            <span aria-hidden>·</span>
            <span title="The endpoint this request came through">via {VIA_LABELS[t.via] ?? t.via}</span>
          </>
        ) : null}
      </div>
      {t.conversationCalls > 1 ? (
        <p className="text-sm">
          <Link href={`/traces/${encodeURIComponent(t.id)}/thread`} className="text-accent-700 hover:underline">
            Part of a conversation of {t.conversationCalls} calls: view it as one thread →
          </Link>
        </p>
      ) : null}
      <ValidatorFlag t={t} />
      {t.errorMessage ? (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          <span className="font-medium">{t.errorType ?? "error"}:</span> {t.errorMessage}
        </p>
      ) : null}
    </div>
  );
}

/** Said in place of text the retention sweep cleared; null while the record keeps its text. */
function clearedNote(t: Trace): string | null {
  if (!t.textClearedAt) return null;
  return `Cleared on ${new Date(t.textClearedAt).toISOString().slice(0, 10)}: the record passed its text retention (THINKGATE_TEXT_RETENTION_DAYS). Its decision, tokens, cost and signal counts were kept.`;
}

/** How a request that did not come through /v1/messages reached the gateway. */
const VIA_LABELS: Record<string, string> = {
  openai: "OpenAI chat completions",
  "openai-responses": "OpenAI Responses API",
  playground: "playground",
  calibration: "calibration lab",
  batch: "Message Batches API",
};

function PromptCard({ t }: { t: Trace }) {
  return (
    <Card>
      <CardHeader
        title="Prompt"
        description={`The last user turn${t.messageCount > 1 ? ` of ${t.messageCount} messages` : ""}${t.hasTools ? ", with tools" : ""}.`}
        actions={t.prompt ? <CopyButton value={t.prompt} label="Copy" title="Copy the prompt" /> : null}
      />
      <CardBody className="space-y-3">
        {t.system ? (
          <details className="rounded-md border border-gray-200 bg-gray-50 px-3 py-2 text-sm">
            <summary className="cursor-pointer text-xs font-medium text-gray-600">System prompt</summary>
            <p className="mt-2 whitespace-pre-wrap text-gray-800">{t.system}</p>
          </details>
        ) : null}
        {t.prompt ? (
          <p className="max-h-80 overflow-y-auto text-sm leading-relaxed whitespace-pre-wrap text-gray-900"><Untrusted text={t.prompt} /></p>
        ) : (
          <p className="text-sm text-gray-500 italic">{clearedNote(t) ?? "No prompt was stored for this request."}</p>
        )}
      </CardBody>
    </Card>
  );
}

function ThinkingCard({ t }: { t: Trace }) {
  const th = t.thinking;
  return (
    <Card>
      <CardHeader
        title="Thinking"
        description={
          th.status === "none"
            ? "This request did not think."
            : `${formatTokens(th.tokens)} thinking tokens · hedges, assumptions, self-corrections, alternatives and stuck moments highlighted`
        }
      />
      <CardBody>
        {th.status === "text" && th.text && th.signals ? (
          <SignalText text={th.text} spans={th.signals.spans} positionDensity={th.signals.stats.positionDensity} label="Thinking" />
        ) : th.placeholder ? (
          <ThinkingPlaceholder status={th.status} text={th.placeholder} />
        ) : (
          <p className="text-sm text-gray-500">
            {t.status === "error" && t.cost.pricingStatus === "not_billed"
              ? "No thinking: the request failed before any answer."
              : `Served by the ${t.tier} route without extended thinking${t.tier === "standard" ? "" : " (no thinking block came back)"}.`}
          </p>
        )}
      </CardBody>
    </Card>
  );
}

const PLACEHOLDER_TITLE: Record<string, string> = {
  omitted: "Thinking omitted",
  redacted: "Thinking redacted",
  empty: "Empty thinking",
  sampled_out: "Thinking not stored",
  cleared: "Thinking cleared",
};

/** What stands in for thinking text the gateway never received: never an empty box that reads as "no thinking". */
export function ThinkingPlaceholder({ status, text }: { status: string; text: string }) {
  return (
    <div role="note" className="flex gap-3 rounded-md border border-dashed border-reasoning-200 bg-reasoning-50/60 px-3 py-3">
      <svg aria-hidden viewBox="0 0 16 16" className="mt-0.5 size-4 shrink-0 text-reasoning-600" fill="currentColor">
        <path d="M8 1a4 4 0 00-4 4v2H3.5A1.5 1.5 0 002 8.5v5A1.5 1.5 0 003.5 15h9a1.5 1.5 0 001.5-1.5v-5A1.5 1.5 0 0012.5 7H12V5a4 4 0 00-4-4zm-2.5 4a2.5 2.5 0 015 0v2h-5V5z" />
      </svg>
      <div>
        <p className="text-sm font-medium text-reasoning-700">{PLACEHOLDER_TITLE[status] ?? "Thinking not shown"}</p>
        <p className="mt-0.5 text-sm text-gray-700">{text}</p>
      </div>
    </div>
  );
}

function AnswerCard({ t }: { t: Trace }) {
  return (
    <Card>
      <CardHeader
        title="Answer"
        description={t.stopReason ? `Stopped: ${t.stopReason}` : undefined}
        actions={t.answer ? <CopyButton value={t.answer} label="Copy" title="Copy the answer" /> : null}
      />
      <CardBody>
        {t.answer && t.answerSignals ? (
          <SignalText text={t.answer} spans={t.answerSignals.spans} label="Answer" compact maxHeightClass="max-h-96" />
        ) : t.answer ? (
          <p className="text-sm whitespace-pre-wrap">{t.answer}</p>
        ) : (
          <p className="text-sm text-gray-500 italic">{t.status === "error" ? "No answer: the request failed." : (clearedNote(t) ?? "No answer text was stored.")}</p>
        )}
      </CardBody>
    </Card>
  );
}

/** The served answer came after an escalation and still failed the route's validators: say so above everything. */
function ValidatorFlag({ t }: { t: Trace }) {
  const failed = escalationView(t.hops).validatorFailed;
  if (!failed) return null;
  return (
    <p role="alert" data-testid="validator-failed" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
      <span className="font-medium">The answer served still failed its validator</span> (after escalating): {failed.join("; ")}
    </p>
  );
}

/** Standard answers that were checked, set aside and escalated: what they said and why they were rejected. */
function RejectedAnswers({ t }: { t: Trace }) {
  const { rejected } = escalationView(t.hops);
  if (!rejected.length) return null;
  return (
    <>
      {rejected.map((r, i) => (
        <Card key={i}>
          <section aria-label="Rejected answer" data-testid="rejected-answer">
            <CardHeader
              title={rejected.length > 1 ? `Rejected answer ${i + 1}` : "Rejected answer"}
              description={`The standard answer from ${r.model}${r.routeId ? ` (route ${r.routeId})` : ""}, checked and escalated; the client never saw it.`}
              actions={r.answer ? <CopyButton value={r.answer} label="Copy" title="Copy the rejected answer" /> : null}
            />
            <CardBody className="space-y-2">
              <div className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
                <p className="text-xs font-medium">Why it was rejected</p>
                <ul className="mt-1 list-disc pl-4">
                  {r.reasons.map((why, k) => <li key={k}>{why}</li>)}
                </ul>
              </div>
              {r.answer !== null ? (
                <pre className="max-h-72 overflow-auto rounded-md bg-gray-50 px-3 py-2 text-xs whitespace-pre-wrap text-gray-800">{r.answer || "(empty answer)"}</pre>
              ) : (
                <p className="text-sm text-gray-500 italic">{clearedNote(t) ?? "Not stored: this request was recorded before rejected answers were kept."}</p>
              )}
            </CardBody>
          </section>
        </Card>
      ))}
    </>
  );
}

/** The failure score: how likely the answer is wrong, judged from the thinking's signals, and why. */
function FailureCard({ t }: { t: Trace }) {
  const f = t.failure;
  if (!f) return null;
  const pct = Math.round(f.score * 100);
  const tone = f.score >= 0.5 ? "text-red-700" : f.score >= 0.3 ? "text-amber-700" : "text-emerald-700";
  return (
    <Card>
      <section aria-label="Failure score" data-testid="failure-score">
        <CardHeader title="Likely wrong?" description="Probability that the answer is wrong, from the signals in the thinking (hedges, self-corrections, stuck moments, where they fall, length)." />
        <CardBody className="space-y-2">
          <p className={cn("text-2xl font-semibold tabular-nums", tone)}>{pct}%</p>
          {f.reasons.length ? (
            <ul className="list-disc space-y-0.5 pl-4 text-sm text-gray-800">
              {f.reasons.map((r) => <li key={r.feature}>{r.text}</li>)}
            </ul>
          ) : (
            <p className="text-sm text-gray-600">Nothing in the thinking raised it above an average trace.</p>
          )}
          <p className="text-xs text-gray-500">A ranking aid, not a verdict: cross-validated on real traces of models it never saw (npm run eval:signals).</p>
        </CardBody>
      </section>
    </Card>
  );
}

/** Admins: clear this record's text now (DELETE /api/requests/{id}/text), as the text retention would; asks once more first. */
function ClearTextCard({ t }: { t: Trace }) {
  const qc = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const clear = useMutation({
    mutationFn: () => apiFetch(`/api/requests/${encodeURIComponent(t.id)}/text`, { method: "DELETE" }),
    onSuccess: () => qc.invalidateQueries({ queryKey: traceQueryKey(t.id) }),
  });
  return (
    <Card>
      <CardHeader title="Stored text" description="Prompt, system prompt, answer, thinking and tool traffic, as stored (redacted)." />
      <CardBody className="space-y-2">
        <p className="text-xs text-gray-600">
          Clearing removes them now, as the text retention does when it is due: for a secret the redaction did not catch, or a prompt someone asked to have removed. The
          decision, tokens, cost and signal counts stay. It cannot be undone.
        </p>
        {confirming ? (
          <div className="flex flex-wrap gap-2">
            <Button variant="danger" disabled={clear.isPending} onClick={() => clear.mutate()}>
              {clear.isPending ? <Spinner /> : null}
              Clear the text for good
            </Button>
            <Button variant="secondary" disabled={clear.isPending} onClick={() => setConfirming(false)}>
              Keep it
            </Button>
          </div>
        ) : (
          <Button variant="secondary" onClick={() => setConfirming(true)}>
            Clear text…
          </Button>
        )}
        {clear.error ? <p className="text-xs text-red-700" role="alert">Could not clear the text: {clear.error.message}</p> : null}
      </CardBody>
    </Card>
  );
}

function LabelCard({ t }: { t: Trace }) {
  const qc = useQueryClient();
  const save = useMutation({
    mutationFn: (needsReasoning: boolean) => apiFetch(`/api/traces/${encodeURIComponent(t.id)}/label`, { body: { needsReasoning } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: traceQueryKey(t.id) }),
  });
  const current = t.label?.label ?? null;
  const pending = save.isPending ? save.variables : undefined;
  return (
    <Card>
      <CardHeader title="Did it need reasoning?" description="Your label becomes a training example for the router." />
      <CardBody className="space-y-2">
        <div role="group" aria-label="Label this request" className="grid grid-cols-2 gap-2">
          <Button
            aria-pressed={current === "reasoning"}
            onClick={() => save.mutate(true)}
            disabled={save.isPending || !t.prompt}
            className={cn(current === "reasoning" && "bg-reasoning-50 text-reasoning-700 ring-reasoning-200")}
          >
            {pending === true ? <Spinner /> : null}
            Needed reasoning
          </Button>
          <Button
            aria-pressed={current === "standard"}
            onClick={() => save.mutate(false)}
            disabled={save.isPending || !t.prompt}
            className={cn(current === "standard" && "bg-standard-50 text-standard-700 ring-standard-200")}
          >
            {pending === false ? <Spinner /> : null}
            Did not
          </Button>
        </div>
        <p className="text-xs text-gray-500" aria-live="polite">
          {save.error
            ? `Could not save the label: ${save.error.message}`
            : t.label
              ? `Labelled “${t.label.label === "reasoning" ? "needed reasoning" : "did not need reasoning"}” by ${t.label.createdBy}.`
              : t.prompt
                ? "Not labelled yet."
                : "No prompt was stored, so there is nothing to label."}
        </p>
      </CardBody>
    </Card>
  );
}

/** The request as a calibration item; the server reads its prompt and system prompt from the record. */
function AddToSet({ t }: { t: Trace }) {
  if (!t.prompt) {
    return (
      <Card>
        <CardHeader title="Add to calibration set" />
        <CardBody>
          <p className="text-sm text-gray-500">No prompt was stored for this request, so it cannot become an evaluation item.</p>
        </CardBody>
      </Card>
    );
  }
  return (
    <AddToSetForm
      key={t.id}
      source={{ kind: "request", requestId: t.id }}
      defaultExpected={t.answer}
      expectedHint={t.answer ? "Prefilled with the stored answer: correct it if it is wrong." : "No answer was stored: type the correct one."}
    />
  );
}

function Row({ label, children, mono }: { label: string; children: ReactNode; mono?: boolean }) {
  return (
    <div className="grid grid-cols-[7.5rem_minmax(0,1fr)] gap-2 py-1.5">
      <dt className="text-xs text-gray-500">{label}</dt>
      <dd className={cn("min-w-0 text-sm break-words text-gray-900", mono && "font-mono text-xs")}>{children}</dd>
    </div>
  );
}

function asList(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** What the upstream calls were, when no hop was stored (a request of one call stores none). */
function upstreamSummary(t: Trace): string {
  if (t.escalated) return "Escalated (no hop details stored).";
  if (t.status === "error" && t.cost.pricingStatus === "not_billed") {
    return t.decision.stage === "none" ? "None: the gateway refused the request before routing it." : "No answer: the request failed before any upstream call answered with usage.";
  }
  return "One hop: answered by the chosen route.";
}

function DecisionCard({ t }: { t: Trace }) {
  const d = t.decision;
  const adjustments = asList(t.adjustments).map(String);
  const hops = asList(t.hops) as Record<string, unknown>[];
  const thinking = t.thinkingConfig as { thinking?: unknown; effort?: unknown } | null;
  return (
    <Card>
      <CardHeader title="Decision" description="Which router stage decided, and why." />
      <CardBody className="py-2">
        <dl className="divide-y divide-gray-100">
          <Row label="Stage">{d.stage}</Row>
          <Row label="Reason">{d.reason || "—"}</Row>
          <Row label="Tier"><Badge tone={d.tier === "reasoning" ? "reasoning" : "standard"}>{d.tier}</Badge></Row>
          <Row label="Route">{d.routeName ? `${d.routeName} (${d.routeId})` : d.routeId ?? "— (passthrough)"}</Row>
          {d.ruleId ? <Row label="Rule" mono>{d.ruleId}</Row> : null}
          {d.score !== null ? (
            <Row label="Score">
              <span className="tabular-nums">{d.score.toFixed(3)}</span>
              {d.threshold !== null ? <span className="text-gray-500"> vs threshold {d.threshold.toFixed(3)} → {d.score >= d.threshold ? "reason" : "standard"}</span> : null}
            </Row>
          ) : null}
          <Row label="Model" mono>{t.requestedModel === t.servedModel ? t.servedModel : `${t.requestedModel} → ${t.servedModel}`}</Row>
          <Row label="Thinking sent" mono>{thinking?.thinking ? JSON.stringify(thinking.thinking) : "none"}{thinking?.effort ? ` · effort ${String(thinking.effort)}` : ""}</Row>
          <Row label="max_tokens">
            {t.maxTokensRequested === t.maxTokensSent ? formatTokens(t.maxTokensSent) : `${formatTokens(t.maxTokensRequested)} → ${formatTokens(t.maxTokensSent)}`}
          </Row>
          <Row label="Stream">{t.stream ? "yes" : "no"}{t.ttftMs !== null ? ` · first token ${formatDuration(t.ttftMs)}` : ""}</Row>
        </dl>
        {adjustments.length ? (
          <div className="border-t border-gray-100 py-2">
            <p className="text-xs text-gray-500">Adjustments</p>
            <ul className="mt-1 list-disc space-y-1 pl-4 text-sm text-gray-800">
              {adjustments.map((a, i) => <li key={i}>{a}</li>)}
            </ul>
          </div>
        ) : null}
        <div className="border-t border-gray-100 py-2">
          <p className="text-xs text-gray-500">Upstream calls (escalation, retries, fallbacks)</p>
          {hops.length ? (
            <ol className="mt-1 space-y-1.5">
              {hops.map((h, i) => <HopItem key={i} hop={h} index={i} />)}
            </ol>
          ) : (
            <p className="mt-1 text-sm text-gray-700">{upstreamSummary(t)}</p>
          )}
        </div>
      </CardBody>
    </Card>
  );
}

/**
 * One upstream call of the request, as lib/gateway/record.ts stores it: the
 * LLM classifier's call, a standard answer that was escalated, the answer
 * served, a failed call that was retried or left for a fallback route, or a
 * route skipped (its model's circuit open, or the model already failed).
 * Unknown shapes are shown as JSON rather than dropped.
 */
const HOP_LABELS: Record<string, string> = {
  classifier: "LLM classifier",
  retry: "failed, retried",
  fallback: "failed, fell back",
  skipped: "skipped",
};
function HopItem({ hop, index }: { hop: Record<string, unknown>; index: number }) {
  const str = (k: string) => (typeof hop[k] === "string" ? (hop[k] as string) : null);
  const cost = typeof hop.costUsd === "number" ? hop.costUsd : null;
  const reasons = Array.isArray(hop.reasons) ? hop.reasons.map(String) : [];
  const kind = str("kind");
  const what = hop.escalated ? "answer, escalated" : kind === "answer" ? "answer served" : (kind && HOP_LABELS[kind]) ?? "hop";
  const status = typeof hop.status === "number" ? String(hop.status) : null;
  const error = str("errorType");
  const failure = error === "circuit_open" ? "circuit open" : error === "failed_earlier" ? "model already failed" : [status, error].filter(Boolean).join(" ");
  const waited = typeof hop.waitMs === "number" ? `waited ${formatDuration(hop.waitMs)}` : null;
  const known = kind !== null || str("model") !== null;
  return (
    <li className="rounded-md border border-gray-200 px-2.5 py-1.5 text-sm">
      <p className="flex items-baseline justify-between gap-2">
        <span className="font-medium text-gray-900">
          {index + 1}. {what}
        </span>
        {/* A call that failed before any tokens has nothing to price: not "unpriced". */}
        <span className={cn("tabular-nums", cost === null ? "text-gray-500 italic" : "text-gray-700")}>{hop.tokens == null && cost === null ? "no tokens" : formatUsd(cost)}</span>
      </p>
      {known ? (
        <p className="font-mono text-[11px] text-gray-600">
          {[str("model"), str("routeId") ? `route ${str("routeId")}` : null, str("stopReason") ? `stop ${str("stopReason")}` : null, failure || null, waited].filter(Boolean).join(" · ")}
        </p>
      ) : (
        <pre className="mt-1 overflow-x-auto text-[11px] text-gray-600">{JSON.stringify(hop, null, 1)}</pre>
      )}
      {reasons.length ? <p className="text-xs text-amber-800">Escalated because: {reasons.join("; ")}</p> : null}
    </li>
  );
}

function CostCard({ t }: { t: Trace }) {
  const u = t.usage;
  const c = t.cost;
  const notBilled = c.pricingStatus === "not_billed";
  const unpriced = !notBilled && (c.pricingStatus === "unpriced" || c.total === null);
  const rows: { label: string; tokens: number; cost: number | null; note?: string }[] = [
    { label: "Input", tokens: u.inputTokens, cost: c.input },
    { label: "Cache write", tokens: u.cacheWrite5mTokens + u.cacheWrite1hTokens, cost: c.cacheWrite, note: u.cacheWrite1hTokens ? `${formatTokens(u.cacheWrite5mTokens)} 5 m + ${formatTokens(u.cacheWrite1hTokens)} 1 h` : undefined },
    { label: "Cache read", tokens: u.cacheReadTokens, cost: c.cacheRead },
    { label: "Output", tokens: u.outputTokens, cost: c.output, note: "without thinking" },
    { label: "Thinking", tokens: u.thinkingTokens, cost: c.thinking },
  ];
  // Server tools are billed per use, not per token (README "What a price covers").
  const uses = [
    { label: "Web search", n: u.webSearchRequests },
    { label: "Web fetch", n: u.webFetchRequests },
  ].filter((x) => x.n > 0);
  const cf = c.counterfactualReasoning;
  const diff = cf !== null && c.total !== null ? cf - c.total : null;
  return (
    <Card>
      <CardHeader title="Tokens and cost" description="Exclusive buckets: output excludes thinking." />
      <CardBody className="space-y-3">
        <table className="w-full text-sm">
          <caption className="sr-only">Tokens and cost per bucket</caption>
          <thead>
            <tr className="text-left text-[11px] tracking-wide text-gray-500 uppercase">
              <th scope="col" className="pb-1 font-medium">Bucket</th>
              <th scope="col" className="pb-1 text-right font-medium">Tokens</th>
              <th scope="col" className="pb-1 text-right font-medium">Cost</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-gray-100">
            {rows.map((r) => (
              <tr key={r.label}>
                <th scope="row" className="py-1.5 text-left font-normal text-gray-700">
                  {r.label}
                  {r.note ? <span className="block text-[11px] text-gray-500">{r.note}</span> : null}
                </th>
                <td className="py-1.5 text-right tabular-nums">{formatTokens(r.tokens)}</td>
                <td className={cn("py-1.5 text-right tabular-nums", unpriced && "text-gray-500 italic")}>{unpriced ? "unpriced" : formatUsd(r.cost ?? 0)}</td>
              </tr>
            ))}
            {uses.map((x, i) => (
              <tr key={x.label}>
                <th scope="row" className="py-1.5 text-left font-normal text-gray-700">
                  {x.label}
                  <span className="block text-[11px] text-gray-500">server tool, per use</span>
                </th>
                <td className="py-1.5 text-right tabular-nums">{x.n.toLocaleString("en-US")} {x.n === 1 ? "use" : "uses"}</td>
                {i === 0 ? (
                  <td rowSpan={uses.length} className={cn("py-1.5 text-right tabular-nums", unpriced && "text-gray-500 italic")}>
                    {unpriced ? "unpriced" : formatUsd(c.serverTools ?? 0)}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr className="border-t border-gray-300 font-medium">
              <th scope="row" className="pt-1.5 text-left">Total</th>
              <td className="pt-1.5 text-right tabular-nums">
                {formatTokens(u.inputTokens + u.cacheWrite5mTokens + u.cacheWrite1hTokens + u.cacheReadTokens + u.outputTokens + u.thinkingTokens)}
              </td>
              <td className={cn("pt-1.5 text-right tabular-nums", unpriced && "text-gray-500 italic")}>{notBilled ? "$0 · not billed" : formatUsd(c.total)}</td>
            </tr>
          </tfoot>
        </table>
        {unpriced && t.errorType === "interrupted" ? (
          <p className="text-xs text-gray-600">The gateway stopped before this answer was complete, so its usage and cost are unknown (not $0): upstream may have billed it.</p>
        ) : unpriced && uses.length ? (
          <p className="text-xs text-gray-600">
            This request used server tools ({uses.map((x) => `${x.n} ${x.label.toLowerCase()}`).join(", ")}), billed per use, and the price of{" "}
            <code className="text-[11px]">{t.servedModel}</code> sets no fee for them (or there is no price): the cost is unknown (not $0). Add a price with its
            web search and fetch fees on the settings page; the adjustments say what its tokens alone cost.
          </p>
        ) : unpriced ? (
          <p className="text-xs text-gray-600">
            No price is set for <code className="text-[11px]">{t.servedModel}</code>, so the cost is unknown (not $0). Add a price on the settings page.
          </p>
        ) : null}
        {notBilled ? <p className="text-xs text-gray-600">This request failed before any upstream call answered with usage: nothing was billed.</p> : null}
        <div className="rounded-md bg-gray-50 px-3 py-2 text-sm">
          <p className="text-xs text-gray-500">Counterfactual: the reasoning route</p>
          {t.status !== "ok" ? (
            <p className="text-gray-600">Not compared: the answer did not complete, so it says nothing about what a reasoning answer would cost.</p>
          ) : cf === null ? (
            <p className="text-gray-600">Unknown (no price for the reasoning route&apos;s model, or no usage).</p>
          ) : t.tier === "reasoning" ? (
            <p className="text-gray-800">This request reasoned: {formatUsd(cf)} is its actual cost.</p>
          ) : (
            <p className="text-gray-800">
              Reasoning would have cost about <span className="font-medium tabular-nums">{formatUsd(cf)}</span>
              {diff !== null ? <> — routing saved about <span className="font-medium text-emerald-700 tabular-nums">{formatUsd(diff)}</span></> : null}.
              <span className="mt-0.5 block text-[11px] text-gray-500">
                Estimated when recorded with the literature default for the route&apos;s budget tier; the cost dashboard&apos;s savings use the thinking this deployment has measured.
              </span>
            </p>
          )}
        </div>
        <Link href={`/traces?${new URLSearchParams({ route: t.routeId ?? "-" }).toString()}`} className={buttonClasses("ghost", "sm", "-ml-2")}>
          More from this route →
        </Link>
      </CardBody>
    </Card>
  );
}
