"use client";

import { useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/Button";
import { Card, CardBody, CardHeader } from "@/components/ui/Card";
import { Field, FormMessage, Switch, TextArea, TextInput } from "@/components/ui/Form";
import { apiFetch, isApiError } from "@/lib/ui/api-client";
import { QueryBody, ReadOnlyNote, useFormKey, type FormEdits } from "./common";
import { settingsKeys, useChange } from "./useSettings";

/** What GET /api/settings returns for the LLM classifier stage and escalation (lib/settings/service.ts). */
interface ClassifierEscalationView {
  llmClassifier: { enabled: boolean; model: string; timeoutMs: number; maxPromptChars: number };
  escalation: {
    enabled: boolean;
    policy: { maxHedgeDensity: number; maxFailureScore?: number; onMaxTokens: boolean; onRefusal: boolean; onLowConfidence: boolean; [k: string]: unknown };
  };
}

/** GET/PUT /api/settings/traces, the redaction section (lib/traces/redaction.ts) and the retention (read-only). */
interface RedactionView {
  redaction: { enabled: boolean; builtins: Record<string, boolean>; patterns: ({ label: string; match: string } & Record<string, unknown>)[] };
  retention?: { textDays: number; recordDays: number; pinDays: number; sweepMs: number };
}

const BUILTIN_LABELS: Record<string, string> = {
  apiKeys: "API keys and tokens",
  bearer: "Bearer tokens",
  jwt: "JWTs",
  secrets: "Values of secret-looking names",
  emails: "E-mail addresses",
  cards: "Card numbers",
};

const message = (e: unknown) => (isApiError(e) ? e.message : "Could not save.");
const num = (s: string): number | undefined => (s.trim() === "" || !Number.isFinite(Number(s)) ? undefined : Number(s));

/** The LLM classifier stage, the escalation policy and redaction: settings that were API-only. */
export function SignalsSettings({ isAdmin }: { isAdmin: boolean }) {
  const settings = useQuery({ queryKey: settingsKeys.settings, queryFn: ({ signal }) => apiFetch<ClassifierEscalationView>("/api/settings", { signal }) });
  const traces = useQuery({ queryKey: ["settings", "traces"], queryFn: ({ signal }) => apiFetch<RedactionView>("/api/settings/traces", { signal }) });
  const saveSettings = useChange((v: Partial<ClassifierEscalationView>) => apiFetch("/api/settings", { method: "PUT", body: v }), [settingsKeys.settings]);
  const saveRedaction = useChange((v: RedactionView) => apiFetch("/api/settings/traces", { method: "PUT", body: v }), [["settings", "traces"]]);
  const escKey = useFormKey(settings, (d) => [d.llmClassifier, d.escalation]);
  const redKey = useFormKey(traces, (d) => d.redaction);
  return (
    <>
      <Card>
        <CardHeader title="LLM classifier and escalation" description="The model that decides close calls, and when a standard answer is checked and escalated." />
        {!isAdmin ? <ReadOnlyNote>Only admins change these settings.</ReadOnlyNote> : null}
        <QueryBody query={settings} what="settings">
          {(data) => <ClassifierEscalationForm key={escKey.key} initial={data} isAdmin={isAdmin} save={saveSettings} edits={escKey} />}
        </QueryBody>
      </Card>
      <Card>
        <CardHeader title="Redaction" description="What is masked in prompts, answers, thinking and tool traffic before anything is stored." />
        {!isAdmin ? <ReadOnlyNote>Only admins change these settings.</ReadOnlyNote> : null}
        <QueryBody query={traces} what="trace settings">
          {(data) => <RedactionForm key={redKey.key} initial={data} isAdmin={isAdmin} save={saveRedaction} edits={redKey} />}
        </QueryBody>
      </Card>
      <Card>
        <CardHeader title="Retention" description="How long stored data is kept. Set in the deployment's environment; the same on every instance." />
        <QueryBody query={traces} what="retention">
          {(data) => (data.retention ? <RetentionTable retention={data.retention} /> : <CardBody>Not reported by this server.</CardBody>)}
        </QueryBody>
      </Card>
    </>
  );
}

function ClassifierEscalationForm({
  initial,
  isAdmin,
  save,
  edits,
}: {
  initial: ClassifierEscalationView;
  isAdmin: boolean;
  save: ReturnType<typeof useChange<Partial<ClassifierEscalationView>, unknown>>;
  edits: FormEdits;
}) {
  const [llm, setLlm] = useState(initial.llmClassifier);
  const [timeout, setTimeoutMs] = useState(String(initial.llmClassifier.timeoutMs));
  const [esc, setEsc] = useState(initial.escalation);
  const [hedge, setHedge] = useState(String(initial.escalation.policy.maxHedgeDensity));
  const [failure, setFailure] = useState(initial.escalation.policy.maxFailureScore === undefined ? "" : String(initial.escalation.policy.maxFailureScore));

  function submit(e: FormEvent) {
    e.preventDefault();
    const { maxFailureScore: _old, ...policy } = esc.policy;
    const maxFailureScore = num(failure);
    save.mutate(
      {
        llmClassifier: { ...llm, timeoutMs: num(timeout) ?? llm.timeoutMs },
        escalation: { enabled: esc.enabled, policy: { ...policy, maxHedgeDensity: num(hedge) ?? policy.maxHedgeDensity, ...(maxFailureScore !== undefined ? { maxFailureScore } : {}) } },
      },
      { onSuccess: edits.saving() },
    );
  }
  const flag = (k: "onMaxTokens" | "onRefusal" | "onLowConfidence", label: string) => (
    <Switch showLabel label={label} checked={esc.policy[k]} disabled={!isAdmin} onChange={(v) => setEsc({ ...esc, policy: { ...esc.policy, [k]: v } })} />
  );
  return (
    <CardBody>
      <form onSubmit={submit} {...edits.formProps} className="space-y-5" aria-label="LLM classifier and escalation">
        <fieldset disabled={!isAdmin} className="grid min-w-0 gap-4 sm:grid-cols-2">
          <div className="space-y-3">
            <Switch showLabel label="LLM classifier for close calls" checked={llm.enabled} disabled={!isAdmin} onChange={(v) => setLlm({ ...llm, enabled: v })} />
            <Field label="Classifier model" hint="A fast, cheap model (Haiku class).">
              {(c) => <TextInput {...c} value={llm.model} onChange={(e) => setLlm({ ...llm, model: e.target.value })} />}
            </Field>
            <Field label="Timeout (ms)" hint="50–10,000; past it the local score decides.">
              {(c) => <TextInput {...c} inputMode="numeric" value={timeout} onChange={(e) => setTimeoutMs(e.target.value)} />}
            </Field>
          </div>
          <div className="space-y-3">
            <Switch showLabel label="Escalate weak standard answers" checked={esc.enabled} disabled={!isAdmin} onChange={(v) => setEsc({ ...esc, enabled: v })} />
            <Field label="Maximum hedges per 1,000 words" hint="An answer that hedges more is escalated.">
              {(c) => <TextInput {...c} inputMode="decimal" value={hedge} onChange={(e) => setHedge(e.target.value)} />}
            </Field>
            <Field label="Maximum failure score" hint="0–1: escalate when the standard answer's thinking says it is likely wrong. Empty: off.">
              {(c) => <TextInput {...c} inputMode="decimal" placeholder="off" value={failure} onChange={(e) => setFailure(e.target.value)} />}
            </Field>
            <div className="flex flex-col gap-2">
              {flag("onMaxTokens", "On max_tokens")}
              {flag("onRefusal", "On a refusal")}
              {flag("onLowConfidence", "When the answer reports low confidence")}
            </div>
          </div>
        </fieldset>
        {isAdmin ? <SaveRow save={save} label="Save classifier and escalation" /> : null}
      </form>
    </CardBody>
  );
}

function RedactionForm({ initial, isAdmin, save, edits }: { initial: RedactionView; isAdmin: boolean; save: ReturnType<typeof useChange<RedactionView, unknown>>; edits: FormEdits }) {
  const [r, setR] = useState(initial.redaction);
  // One pattern a line: "label: match", or just the match (label "custom").
  const [patterns, setPatterns] = useState(initial.redaction.patterns.map((p) => `${p.label}: ${p.match}`).join("\n"));
  function submit(e: FormEvent) {
    e.preventDefault();
    const parsed = patterns
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean)
      .map((l) => {
        const m = /^([a-z0-9][a-z0-9_-]{0,31}):\s*(.+)$/.exec(l);
        const p = m ? { label: m[1]!, match: m[2]! } : { label: "custom", match: l };
        // A line left as it was keeps its other options (literal or glob, case, whole word).
        return initial.redaction.patterns.find((old) => old.label === p.label && old.match === p.match) ?? p;
      });
    save.mutate({ redaction: { ...r, patterns: parsed } }, { onSuccess: edits.saving() });
  }
  return (
    <CardBody>
      <form onSubmit={submit} {...edits.formProps} className="space-y-4" aria-label="Redaction">
        <fieldset disabled={!isAdmin} className="space-y-3">
          <Switch showLabel label="Redact before storing" checked={r.enabled} disabled={!isAdmin} onChange={(v) => setR({ ...r, enabled: v })} />
          <div className="grid gap-2 sm:grid-cols-3">
            {Object.keys(r.builtins).map((k) => (
              <Switch key={k} showLabel label={BUILTIN_LABELS[k] ?? k} checked={r.builtins[k]!} disabled={!isAdmin} onChange={(v) => setR({ ...r, builtins: { ...r.builtins, [k]: v } })} />
            ))}
          </div>
          <Field label="Your own patterns" hint={'One a line: "label: text", where text is literal or a glob (* any run, # a digit). Shown as [redacted:label].'}>
            {(c) => <TextArea {...c} rows={4} value={patterns} onChange={(e) => setPatterns(e.target.value)} placeholder="employee: EMP-######" />}
          </Field>
        </fieldset>
        {isAdmin ? <SaveRow save={save} label="Save redaction" /> : null}
      </form>
    </CardBody>
  );
}

/** The submit button with what happened to the last save. */
function SaveRow({ save, label }: { save: { isPending: boolean; error: unknown; isSuccess: boolean }; label: string }) {
  return (
    <div className="flex flex-wrap items-center gap-3">
      <Button type="submit" variant="primary" disabled={save.isPending}>
        {save.isPending ? "Saving…" : label}
      </Button>
      {save.error ? <FormMessage tone="error">{message(save.error)}</FormMessage> : null}
      {save.isSuccess ? <FormMessage tone="success">Saved.</FormMessage> : null}
    </div>
  );
}

const period = (ms: number) => (ms >= 60_000 ? `${Math.round(ms / 60_000).toLocaleString("en-US")} min` : ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`);

const kept = (days: number) => (days === 0 ? "forever" : `${days.toLocaleString("en-US")} day${days === 1 ? "" : "s"}`);

/** The retention policy as the server runs it (THINKGATE_*_RETENTION_DAYS). */
function RetentionTable({ retention }: { retention: NonNullable<RedactionView["retention"]> }) {
  const rows: [string, string, string, string][] = [
    ["Text of request records", "prompt, system prompt, answer, thinking, tool calls and results; tokens, cost and signal counts stay", kept(retention.textDays), "THINKGATE_TEXT_RETENTION_DAYS"],
    ["Request records", "whole records; their spend leaves the cost dashboard with them", kept(retention.recordDays), "THINKGATE_RECORD_RETENTION_DAYS"],
    ["Conversation pins", "pins, held-back thinking and Responses API items not used for this long; never longer than the text", kept(retention.pinDays), "THINKGATE_PIN_RETENTION_DAYS"],
  ];
  return (
    <CardBody>
      <table className="w-full text-sm" data-testid="retention">
        <thead>
          <tr className="text-left text-xs text-gray-500">
            <th className="py-1 pr-3 font-medium">Data</th>
            <th className="py-1 pr-3 font-medium">Kept</th>
            <th className="py-1 font-medium">Variable</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([what, detail, days, variable]) => (
            <tr key={variable} className="border-t border-gray-100 align-top">
              <td className="py-2 pr-3">
                <p className="font-medium text-gray-900">{what}</p>
                <p className="text-xs text-gray-500">{detail}</p>
              </td>
              <td className="py-2 pr-3 whitespace-nowrap">{days}</td>
              <td className="py-2 font-mono text-xs break-all text-gray-600">{variable}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="mt-2 text-xs text-gray-500">
        Swept every {period(retention.sweepMs)} (THINKGATE_RETENTION_SWEEP_MS).
      </p>
    </CardBody>
  );
}
