"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import { AddToSetForm } from "@/components/calibration/AddToSetForm";
import type { Role } from "@/components/calibration/types";
import { TextAreaField, TextField } from "@/components/form/Fields";
import { SignalText } from "@/components/traces/SignalText";
import { ThinkingPlaceholder } from "@/components/traces/TraceDetail";
import { Badge } from "@/components/ui/Badge";
import { Button } from "@/components/ui/Button";
import { Card, CardBody, CardHeader } from "@/components/ui/Card";
import { ErrorState } from "@/components/ui/ErrorState";
import { Spinner } from "@/components/ui/Spinner";
import { apiFetch, isApiError } from "@/lib/ui/api-client";
import { cn } from "@/lib/ui/cn";
import { formatDuration, formatTokens, formatUsd } from "@/lib/ui/format";
import { streamRun } from "@/lib/playground/client";
import { playgroundHeaders, playgroundMessagesBody, type PlaygroundInput, type PlaygroundTier } from "@/lib/playground/request";
import { foldEvent, initialRunState, type RunState } from "@/lib/playground/stream";
import { extractSignals } from "@/lib/traces/signals";
import type { TraceDetail } from "@/lib/traces/wire";

/** POST /api/v1/route's answer. */
interface RouteDecision {
  tier: PlaygroundTier;
  stage: string;
  reason: string;
  route: { id: string; name: string; model: string; thinking: unknown; effort?: string };
  ruleId?: string;
  score?: number;
  threshold?: number;
  maxTokens: number;
  adjustments: string[];
}

interface Run {
  state: RunState;
  requestId: string | null;
  startedAt: number;
  firstTokenAt: number | null;
  endedAt: number | null;
  failure: Error | null;
  /** The stored record, read after the stream ends: cost, tokens and server latency as the gateway recorded them. */
  record: TraceDetail | null;
}

const TIERS: PlaygroundTier[] = ["standard", "reasoning"];

function newRun(): Run {
  return { state: { ...initialRunState, phase: "waiting" }, requestId: null, startedAt: performance.now(), firstTokenAt: null, endedAt: null, failure: null, record: null };
}

/**
 * Records are written off the response path: the read waits on the server
 * for the one a run just made (?wait), so a record on its way is not a 404.
 * A failed connection is tried again, briefly.
 */
async function readRecord(id: string, signal: AbortSignal): Promise<TraceDetail | null> {
  for (let i = 0; i < 3 && !signal.aborted; i++) {
    try {
      return await apiFetch<TraceDetail>(`/api/traces/${encodeURIComponent(id)}`, { query: { wait: 5000 }, signal });
    } catch (err) {
      if (isApiError(err) && err.status === 404) return null;
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  return null;
}

/** `role` hides what only editors and admins may do (adding the prompt to an evaluation set). */
export function PlaygroundPage({ role }: { role: Role }) {
  const canEdit = role === "editor" || role === "admin";
  const [input, setInput] = useState<PlaygroundInput>({ prompt: "", system: "", app: "", task: "" });
  const [submitted, setSubmitted] = useState<PlaygroundInput | null>(null);
  const [decision, setDecision] = useState<{ value: RouteDecision | null; error: Error | null; pending: boolean }>({ value: null, error: null, pending: false });
  const [runs, setRuns] = useState<Partial<Record<PlaygroundTier, Run>>>({});
  const abort = useRef<AbortController | null>(null);
  useEffect(() => () => abort.current?.abort(), []);

  const running = TIERS.some((t) => runs[t] && !runs[t]!.endedAt);

  function update(tier: PlaygroundTier, fn: (r: Run) => Run) {
    setRuns((prev) => (prev[tier] ? { ...prev, [tier]: fn(prev[tier]!) } : prev));
  }

  async function start(tier: PlaygroundTier, run: PlaygroundInput, signal: AbortSignal) {
    try {
      await streamRun(
        run,
        tier,
        ({ requestId }) => update(tier, (r) => ({ ...r, requestId })),
        (event) =>
          update(tier, (r) => ({
            ...r,
            firstTokenAt: r.firstTokenAt ?? ((event as { type?: string }).type === "content_block_delta" ? performance.now() : null),
            state: foldEvent(r.state, event),
          })),
        signal,
      );
      update(tier, (r) => ({ ...r, endedAt: performance.now(), state: r.state.phase === "streaming" || r.state.phase === "waiting" ? { ...r.state, phase: "done" } : r.state }));
    } catch (err) {
      if (signal.aborted) {
        update(tier, (r) => ({ ...r, endedAt: performance.now(), state: { ...r.state, phase: "error", error: { type: "aborted", message: "Stopped." } } }));
        return;
      }
      update(tier, (r) => ({ ...r, endedAt: performance.now(), failure: err as Error, state: { ...r.state, phase: "error" } }));
    }
  }

  // Once a run ends, read what the gateway recorded for it (once per request id).
  const reading = useRef(new Set<string>());
  useEffect(() => {
    for (const tier of TIERS) {
      const r = runs[tier];
      if (!r?.endedAt || !r.requestId || r.record || r.failure || !abort.current || reading.current.has(r.requestId)) continue;
      const id = r.requestId;
      reading.current.add(id);
      void readRecord(id, abort.current.signal).then((record) => record && update(tier, (x) => (x.requestId === id ? { ...x, record } : x)));
    }
  }, [runs]);

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!input.prompt.trim()) return;
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    const run = { ...input };
    setSubmitted(run);
    setRuns({ standard: newRun(), reasoning: newRun() });
    setDecision({ value: null, error: null, pending: true });
    apiFetch<RouteDecision>("/api/v1/route", { body: playgroundMessagesBody(run, false), headers: playgroundHeaders(run), signal: controller.signal })
      .then((value) => setDecision({ value, error: null, pending: false }))
      .catch((error: Error) => !controller.signal.aborted && setDecision({ value: null, error, pending: false }));
    for (const tier of TIERS) void start(tier, run, controller.signal);
  }

  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-xl font-semibold tracking-tight text-gray-900">Playground</h1>
        <p className="mt-1 max-w-3xl text-sm text-gray-600">
          Try a prompt: see what the router would decide, then the standard and the reasoning answers side by side, with their thinking,
          tokens, cost and latency. Runs go through the real gateway and are recorded like any request.
        </p>
      </div>
      <Card>
        <form onSubmit={submit} className="space-y-3 p-4" aria-label="Try a prompt">
          <TextAreaField
            label="Prompt"
            rows={5}
            required
            placeholder="e.g. Review this retry loop for bugs: for (let i = 0; i <= retries; i++) { … }"
            value={input.prompt}
            onChange={(e) => setInput({ ...input, prompt: e.target.value })}
            onKeyDown={(e) => {
              if (e.key === "Enter" && (e.metaKey || e.ctrlKey)) (e.currentTarget.form as HTMLFormElement | null)?.requestSubmit();
            }}
          />
          <details className="group">
            <summary className="cursor-pointer text-sm text-gray-600 select-none hover:text-gray-900">System prompt, app and task (optional)</summary>
            <div className="mt-3 grid gap-3 md:grid-cols-[minmax(0,2fr)_minmax(0,1fr)_minmax(0,1fr)]">
              <TextAreaField label="System prompt" rows={3} value={input.system} onChange={(e) => setInput({ ...input, system: e.target.value })} />
              <TextField label="App" placeholder="thinkgate-app, e.g. legal-review" value={input.app} onChange={(e) => setInput({ ...input, app: e.target.value })} />
              <TextField label="Task" placeholder="thinkgate-task, e.g. code-review" value={input.task} onChange={(e) => setInput({ ...input, task: e.target.value })} />
            </div>
          </details>
          <div className="flex flex-wrap items-center gap-2">
            <Button type="submit" variant="primary" disabled={!input.prompt.trim()}>
              {running ? "Run again" : "Run"}
            </Button>
            {running ? (
              <Button onClick={() => abort.current?.abort()}>Stop</Button>
            ) : null}
            <span className="text-xs text-gray-500">Ctrl/⌘ + Enter runs it.</span>
          </div>
        </form>
      </Card>

      {submitted ? (
        <>
          <DecisionCard decision={decision} />
          <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
            {TIERS.map((tier) => (
              <RunColumn key={tier} tier={tier} run={runs[tier]} chosen={decision.value?.tier === tier} />
            ))}
          </div>
          <SaveExample input={submitted} requestId={runs.reasoning?.requestId ?? null} />
          {/* Once both runs end (a new run unmounts it), so the expected answer starts from the final text. */}
          {canEdit && !running ? <AddPromptToSet input={submitted} runs={runs} /> : null}
        </>
      ) : null}
    </div>
  );
}

function DecisionCard({ decision }: { decision: { value: RouteDecision | null; error: Error | null; pending: boolean } }) {
  const d = decision.value;
  return (
    <Card>
      <CardHeader title="The router's decision" description="What thinkgate would do with this prompt by itself (POST /api/v1/route)." />
      <CardBody>
        {decision.pending ? (
          <p className="flex items-center gap-2 text-sm text-gray-500"><Spinner label="Asking the router" /> Asking the router…</p>
        ) : decision.error ? (
          <ErrorState className="py-2" title="The router did not answer" error={decision.error} />
        ) : d ? (
          <div className="space-y-2">
            <p className="flex flex-wrap items-center gap-2 text-sm">
              <Badge tone={d.tier === "reasoning" ? "reasoning" : "standard"}>{d.tier}</Badge>
              <span className="text-gray-600">by stage</span>
              <span className="font-medium text-gray-900">{d.stage}</span>
              <span className="text-gray-600">→ route</span>
              <span className="font-medium text-gray-900">{d.route.name}</span>
              <code className="text-[11px] text-gray-600">{d.route.model}</code>
            </p>
            <p className="text-sm text-gray-700">{d.reason}</p>
            {d.score !== undefined ? (
              <p className="text-xs text-gray-500 tabular-nums">
                Classifier score {d.score.toFixed(3)}{d.threshold !== undefined ? ` vs threshold ${d.threshold.toFixed(3)}` : ""}
              </p>
            ) : null}
            {d.adjustments.length ? <ul className="list-disc pl-4 text-xs text-gray-600">{d.adjustments.map((a, i) => <li key={i}>{a}</li>)}</ul> : null}
          </div>
        ) : null}
      </CardBody>
    </Card>
  );
}

function RunColumn({ tier, run, chosen }: { tier: PlaygroundTier; run: Run | undefined; chosen: boolean }) {
  const s = run?.state;
  const thinkingSignals = useMemo(() => (s?.thinking ? extractSignals(s.thinking) : null), [s?.thinking]);
  const answerSignals = useMemo(() => (s?.answer && s.phase !== "streaming" ? extractSignals(s.answer) : null), [s?.answer, s?.phase]);
  const rec = run?.record;
  const clientLatency = run?.endedAt ? run.endedAt - run.startedAt : null;
  const ttft = run?.firstTokenAt ? run.firstTokenAt - run.startedAt : null;
  const title = tier === "reasoning" ? "Reasoning" : "Standard";
  const streaming = s?.phase === "waiting" || s?.phase === "streaming";
  return (
    <Card className={cn(chosen && (tier === "reasoning" ? "ring-2 ring-reasoning-200" : "ring-2 ring-standard-200"))}>
      <CardHeader
        title={
          <span className="flex items-center gap-2">
            {title}
            {chosen ? <Badge tone={tier === "reasoning" ? "reasoning" : "standard"}>router&apos;s choice</Badge> : null}
          </span>
        }
        description={s?.model ? <code className="text-[11px]">{s.model}</code> : `thinkgate-tier: ${tier}`}
        actions={
          streaming ? (
            <span className="flex items-center gap-1.5 text-xs text-gray-500"><Spinner label={`${title} answer streaming`} />streaming</span>
          ) : run?.requestId ? (
            <Link href={`/traces/${encodeURIComponent(run.requestId)}`} className="text-xs text-accent-700 hover:underline">Open trace →</Link>
          ) : null
        }
      />
      <CardBody className="space-y-4">
        <section aria-label={`${title} result`} className="space-y-4">
          {run?.failure ? (
            <ErrorState className="py-4" title={`The ${tier} run failed`} error={run.failure} />
          ) : s?.error ? (
            <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">{s.error.type}: {s.error.message}</p>
          ) : null}
          <div>
            <h3 className="mb-1.5 text-xs font-medium tracking-wide text-gray-500 uppercase">Thinking</h3>
            {s?.thinking && thinkingSignals ? (
              <SignalText text={s.thinking} spans={thinkingSignals.spans} positionDensity={thinkingSignals.stats.positionDensity} label={`${title} thinking`} compact maxHeightClass="max-h-72" />
            ) : s?.thinkingRedacted ? (
              <ThinkingPlaceholder status="redacted" text={`Thinking redacted: ${formatTokens(s.thinkingTokens)} thinking tokens came back encrypted and cannot be shown.`} />
            ) : s && s.thinkingBlocks > 0 && !streaming ? (
              <ThinkingPlaceholder status="omitted" text={`Thinking omitted: ${formatTokens(s.thinkingTokens)} thinking tokens, but no text came back (display "omitted").`} />
            ) : streaming ? (
              <p className="text-sm text-gray-400">Waiting for thinking…</p>
            ) : (
              <p className="text-sm text-gray-500">No thinking: this route answers directly.</p>
            )}
          </div>
          <div>
            <h3 className="mb-1.5 text-xs font-medium tracking-wide text-gray-500 uppercase">Answer</h3>
            {s?.answer && answerSignals ? (
              <SignalText text={s.answer} spans={answerSignals.spans} label={`${title} answer`} compact maxHeightClass="max-h-80" />
            ) : s?.answer ? (
              <p className="max-h-80 overflow-y-auto text-sm leading-relaxed whitespace-pre-wrap text-gray-900">{s.answer}</p>
            ) : (
              <p className="text-sm text-gray-400">{streaming ? "Waiting for the answer…" : "No answer."}</p>
            )}
          </div>
        </section>
        <dl className="grid grid-cols-3 gap-3 border-t border-gray-100 pt-3 text-sm tabular-nums">
          <Metric label="Cost" title={rec ? `input ${formatUsd(rec.cost.input)}, output ${formatUsd(rec.cost.output)}, thinking ${formatUsd(rec.cost.thinking)}` : undefined}>
            {rec ? <span className={cn(rec.cost.total === null && "text-gray-500 italic")}>{formatUsd(rec.cost.total)}</span> : run?.endedAt && !run.failure ? <Spinner label="Reading the cost" /> : "—"}
          </Metric>
          <Metric label="Tokens in / out / think">
            {s ? `${formatTokens(rec?.usage.inputTokens ?? s.inputTokens)} / ${formatTokens(rec?.usage.outputTokens ?? Math.max(0, s.outputTokens - s.thinkingTokens))} / ${formatTokens(rec?.usage.thinkingTokens ?? s.thinkingTokens)}` : "—"}
          </Metric>
          <Metric label="Latency" title="Measured in this browser, from sending the prompt to the last byte; the gateway's own time is below">
            {clientLatency !== null ? formatDuration(clientLatency) : "—"}
            {ttft !== null ? <span className="block text-[11px] text-gray-500">first token {formatDuration(ttft)}</span> : null}
            {rec ? <span className="block text-[11px] text-gray-500">gateway {formatDuration(rec.latencyMs)}</span> : null}
          </Metric>
        </dl>
      </CardBody>
    </Card>
  );
}

function Metric({ label, title, children }: { label: string; title?: string; children: React.ReactNode }) {
  return (
    <div title={title} className="min-w-0">
      <dt className="text-[10px] tracking-wide text-gray-500 uppercase">{label}</dt>
      <dd className="mt-0.5 text-gray-900">{children}</dd>
    </div>
  );
}

/** The prompt as run (fromPlayground); the expected answer starts as the reasoning answer, else the standard one. */
function AddPromptToSet({ input, runs }: { input: PlaygroundInput; runs: Partial<Record<PlaygroundTier, Run>> }) {
  const from = TIERS.slice()
    .reverse()
    .find((t) => runs[t]?.state.answer?.trim());
  return (
    <AddToSetForm
      source={{ kind: "playground", prompt: input.prompt, system: input.system }}
      defaultExpected={from ? runs[from]!.state.answer : ""}
      expectedHint={from ? `Prefilled with the ${from} answer: correct it if it is wrong.` : "No answer came back: type the correct one."}
    />
  );
}

function SaveExample({ input, requestId }: { input: PlaygroundInput; requestId: string | null }) {
  const save = useMutation({
    mutationFn: (label: "reasoning" | "standard") =>
      apiFetch<{ id: string; label: string }>("/api/examples", {
        body: {
          prompt: input.prompt,
          label,
          ...(input.system?.trim() ? { system: input.system } : {}),
          ...(input.app?.trim() ? { app: input.app.trim() } : {}),
          ...(input.task?.trim() ? { task: input.task.trim() } : {}),
          ...(requestId ? { requestId } : {}),
        },
      }),
  });
  return (
    <Card>
      <CardHeader title="Save as a labelled example" description="Which answer did this prompt need? The router learns from these examples." />
      <CardBody className="flex flex-wrap items-center gap-2">
        <Button onClick={() => save.mutate("reasoning")} disabled={save.isPending} aria-pressed={save.data?.label === "reasoning"}>
          Save: needs reasoning
        </Button>
        <Button onClick={() => save.mutate("standard")} disabled={save.isPending} aria-pressed={save.data?.label === "standard"}>
          Save: standard is enough
        </Button>
        <span className="text-xs text-gray-500" aria-live="polite">
          {save.isPending ? "Saving…" : save.error ? <span className="text-red-700">Could not save: {save.error.message}</span> : save.data ? `Saved as “${save.data.label}”.` : null}
        </span>
      </CardBody>
    </Card>
  );
}
