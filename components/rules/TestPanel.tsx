"use client";

import { useState, type FormEvent } from "react";
import { Badge } from "@/components/ui/Badge";
import { Button } from "@/components/ui/Button";
import { Card, CardBody, CardHeader } from "@/components/ui/Card";
import { Field, FormMessage, Switch, TextArea, TextInput } from "@/components/ui/Form";
import { isApiError } from "@/lib/ui/api-client";
import { issuesOf, type Rule, type RuleIssue } from "@/lib/ui/rules";
import { useRuleTest } from "./useRules";
import { Untrusted } from "@/components/ui/Untrusted";

/** "Test against a prompt": what the draft rules (not the saved ones) do with one request. */
export function TestPanel({ rules, onIssues }: { rules: Rule[]; onIssues: (issues: RuleIssue[]) => void }) {
  const [prompt, setPrompt] = useState("");
  const [task, setTask] = useState("");
  const [app, setApp] = useState("");
  const [model, setModel] = useState("claude-sonnet-4-6");
  const [hasTools, setHasTools] = useState(false);
  const test = useRuleTest();

  function submit(e: FormEvent) {
    e.preventDefault();
    test.mutate(
      { rules, prompt, task: task.trim() || undefined, app: app.trim() || undefined, model: model.trim() || undefined, hasTools },
      { onSuccess: () => onIssues([]), onError: (err) => onIssues(issuesOf(err)) },
    );
  }

  const r = test.data;
  return (
    <Card>
      <CardHeader title="Test against a prompt" description="Runs the draft through the real router: override, context, rules, classifier, default." />
      <CardBody>
        <form onSubmit={submit} className="space-y-3">
          <Field label="Prompt">
            {(c) => <TextArea {...c} rows={3} value={prompt} onChange={(e) => setPrompt(e.target.value)} placeholder="Review this function for race conditions…" />}
          </Field>
          <div className="grid grid-cols-2 gap-3">
            <Field label="Task (optional)">{(c) => <TextInput {...c} value={task} onChange={(e) => setTask(e.target.value)} placeholder="code-review" />}</Field>
            <Field label="App (optional)">{(c) => <TextInput {...c} value={app} onChange={(e) => setApp(e.target.value)} placeholder="support-bot" />}</Field>
            <Field label="Requested model">{(c) => <TextInput {...c} value={model} onChange={(e) => setModel(e.target.value)} />}</Field>
            <div className="flex items-end pb-1.5">
              <Switch checked={hasTools} onChange={setHasTools} label="Request has tools" showLabel />
            </div>
          </div>
          <Button type="submit" variant="primary" disabled={test.isPending}>
            {test.isPending ? "Testing…" : "Run test"}
          </Button>
        </form>

        {test.error ? (
          <div className="mt-3">
            <FormMessage tone="error">{isApiError(test.error) ? test.error.message : "The test failed."}</FormMessage>
          </div>
        ) : null}

        {r && !test.isPending ? (
          <div className="mt-4 space-y-3 border-t border-gray-100 pt-3" aria-live="polite">
            <p className="text-sm text-gray-900">
              {r.matched ? (
                <>
                  Matches rule <span className="font-semibold">{r.matched.index + 1}</span>, “<Untrusted text={r.matched.name} />”
                  {r.decision.stage !== "rule" ? <span className="text-gray-600"> — but the {r.decision.stage} stage decides first</span> : null}
                </>
              ) : (
                "No rule matches this request."
              )}
            </p>
            <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-xs">
              <dt className="text-gray-500">Tier</dt>
              <dd>
                <Badge tone={r.decision.tier}>{r.decision.tier}</Badge>
              </dd>
              <dt className="text-gray-500">Stage</dt>
              <dd className="font-medium text-gray-800">{r.decision.stage}</dd>
              <dt className="text-gray-500">Route</dt>
              <dd className="text-gray-800">
                {r.decision.route ? `${r.decision.route.name} (${r.decision.route.model === "*" ? "requested model" : r.decision.route.model})` : "as sent"}
              </dd>
              <dt className="text-gray-500">Why</dt>
              <dd className="text-gray-800">{r.decision.reason}</dd>
              {r.decision.score !== null ? (
                <>
                  <dt className="text-gray-500">Score</dt>
                  <dd className="text-gray-800 tabular-nums">
                    {r.decision.score.toFixed(2)} (threshold {r.decision.threshold?.toFixed(2)})
                  </dd>
                </>
              ) : null}
            </dl>
            {r.evaluations.length ? (
              <ol className="space-y-0.5 text-xs" aria-label="Each rule's verdict">
                {r.evaluations.map((e) => (
                  <li key={e.id} className="flex items-center gap-2">
                    <span aria-hidden className={e.matches ? "text-emerald-600" : "text-gray-400"}>
                      {e.matches ? "✓" : "✗"}
                    </span>
                    <span className={e.enabled ? "text-gray-800" : "text-gray-400"}>
                      {e.index + 1}. <Untrusted text={e.name} />
                      {!e.enabled ? " (disabled)" : ""}
                    </span>
                    <span className="sr-only">{e.matches ? "matches" : "does not match"}</span>
                  </li>
                ))}
              </ol>
            ) : null}
          </div>
        ) : null}
      </CardBody>
    </Card>
  );
}
