"use client";

import { useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import { Badge } from "@/components/ui/Badge";
import { Button } from "@/components/ui/Button";
import { Card, CardBody, CardHeader } from "@/components/ui/Card";
import { EmptyState } from "@/components/ui/EmptyState";
import { ErrorState } from "@/components/ui/ErrorState";
import { Field, FormMessage, TextInput } from "@/components/ui/Form";
import { Spinner } from "@/components/ui/Spinner";
import { Tabs } from "@/components/ui/Tabs";
import { isApiError } from "@/lib/ui/api-client";
import { formatRelativeTime, formatTimestamp } from "@/lib/ui/format";
import { issuesForRule, issuesOf, moveRule, newRule, sameRules, type RouteView, type Rule, type RuleIssue, type RuleSetView } from "@/lib/ui/rules";
import { ConfigFile } from "./ConfigFile";
import { HistoryView } from "./HistoryView";
import { ReplayPanel } from "./ReplayPanel";
import { RuleCard } from "./RuleCard";
import { TestPanel } from "./TestPanel";
import { useActiveRules, useRoutes, useSaveRules } from "./useRules";

type View = "rules" | "history";

/**
 * The rule editor. The saved version is the baseline; edits go into a draft
 * that the test and replay panels try before anything is saved. Saving sends
 * the version the draft started from, so a concurrent save by someone else
 * is refused rather than overwritten.
 */
export function RulesWorkspace({ role }: { role: "viewer" | "editor" | "admin" }) {
  const canEdit = role === "editor" || role === "admin";
  const active = useActiveRules();
  const routes = useRoutes();
  const [view, setView] = useState<View>("rules");
  const [draft, setDraft] = useState<{ base: RuleSetView; rules: Rule[] } | null>(null);

  const dirty = !!draft && !!active.data && !sameRules(draft.rules, draft.base.rules);
  // Follow the saved rules while nothing is edited; never drop edits because someone else saved.
  useEffect(() => {
    if (active.data && (!draft || (!dirty && draft.base.version !== active.data.version))) setDraft({ base: active.data, rules: active.data.rules });
  }, [active.data, draft, dirty]);

  if (active.isPending || routes.isPending || !draft) {
    if (active.error || routes.error) {
      const error = active.error ?? routes.error;
      return <ErrorState title="Could not load the rules" error={error} onRetry={() => void Promise.all([active.refetch(), routes.refetch()])} />;
    }
    return <LoadingRules />;
  }
  if (active.error && !active.data) return <ErrorState title="Could not load the rules" error={active.error} onRetry={() => void active.refetch()} />;

  const newer = active.data && active.data.version !== draft.base.version ? active.data : null;
  const reset = (base: RuleSetView) => setDraft({ base, rules: base.rules });

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div className="min-w-0">
          <h1 className="text-xl font-semibold tracking-tight text-gray-900">Routing rules</h1>
          <p className="mt-1 max-w-3xl text-sm text-gray-600">
            Rules run in order after overrides, conversation pins and app policies; the first enabled rule whose conditions all hold picks the route.
            Requests no rule covers go to the classifier, then the default route.
          </p>
        </div>
        <ConfigFile canImport={role === "admin"} />
        <Tabs
          label="Rules views"
          tabs={[
            { id: "rules", label: "Rules" },
            { id: "history", label: "History" },
          ]}
          active={view}
          onChange={(v) => setView(v as View)}
        />
      </div>

      <p className="flex flex-wrap items-center gap-2 text-xs text-gray-600">
        <span>
          Active: <span className="font-medium text-gray-900">version {draft.base.version}</span>
          {draft.base.version ? (
            <>
              , saved by {draft.base.createdBy}{" "}
              <time dateTime={draft.base.createdAt} title={formatTimestamp(draft.base.createdAt)}>
                {formatRelativeTime(draft.base.createdAt)}
              </time>
            </>
          ) : null}
        </span>
        {dirty ? <Badge tone="warning">unsaved changes</Badge> : null}
        {!canEdit ? <Badge>read-only: your role is {role}</Badge> : null}
      </p>

      {newer ? (
        <div role="status" className="flex flex-wrap items-center gap-2 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200">
          Version {newer.version} was saved by {newer.createdBy} while you were editing version {draft.base.version}.
          <Button size="sm" onClick={() => reset(newer)}>
            Discard my edits and load version {newer.version}
          </Button>
        </div>
      ) : null}

      <div hidden={view !== "rules"}>
        <Editor
          draft={draft.rules}
          base={draft.base}
          routes={routes.data?.data ?? []}
          canEdit={canEdit}
          dirty={dirty}
          onChange={(rules) => setDraft({ ...draft, rules })}
          onDiscard={() => reset(draft.base)}
          onSaved={reset}
        />
      </div>
      {view === "history" ? <HistoryView canEdit={canEdit} activeVersion={active.data?.version ?? draft.base.version} dirty={dirty} onRolledBack={reset} /> : null}
    </div>
  );
}

function Editor({
  draft,
  base,
  routes,
  canEdit,
  dirty,
  onChange,
  onDiscard,
  onSaved,
}: {
  draft: Rule[];
  base: RuleSetView;
  routes: RouteView[];
  canEdit: boolean;
  dirty: boolean;
  onChange: (rules: Rule[]) => void;
  onDiscard: () => void;
  onSaved: (saved: RuleSetView) => void;
}) {
  // Each rule gets a stable key that survives edits (even of its id) and moves,
  // so an open form keeps its focus and stays open while the rule changes.
  const keys = useRef(new WeakMap<Rule, string>());
  const counter = useRef(0);
  const keyFor = (r: Rule): string => {
    let k = keys.current.get(r);
    if (!k) {
      k = `rule-${++counter.current}`;
      keys.current.set(r, k);
    }
    return k;
  };
  const [open, setOpen] = useState<Set<string>>(new Set());
  const [issues, setIssues] = useState<RuleIssue[]>([]);
  const [note, setNote] = useState("");
  const save = useSaveRules();
  const savedIds = useMemo(() => new Set(base.rules.map((r) => r.id)), [base.rules]);
  const savedById = useMemo(() => new Map(base.rules.map((r) => [r.id, r])), [base.rules]);

  // Rules with server issues open, so the message is next to its field.
  function showIssues(next: RuleIssue[]) {
    setIssues(next);
    if (next.length) setOpen((o) => new Set([...o, ...next.flatMap((i) => (i.rule !== null && draft[i.rule] ? [keyFor(draft[i.rule]!)] : []))]));
  }

  function update(index: number, rule: Rule) {
    keys.current.set(rule, keyFor(draft[index]!));
    onChange(draft.map((r, i) => (i === index ? rule : r)));
  }

  function toggle(key: string) {
    setOpen((o) => (o.has(key) ? new Set([...o].filter((x) => x !== key)) : new Set([...o, key])));
  }

  function add() {
    const fallback = routes.find((r) => r.tier === "reasoning")?.id ?? routes[0]?.id ?? "";
    const rule = newRule(fallback, draft);
    onChange([...draft, rule]);
    setOpen((o) => new Set([...o, keyFor(rule)]));
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    save.mutate(
      { rules: draft, note: note.trim(), baseVersion: base.version },
      {
        onSuccess: (saved) => {
          setIssues([]);
          setNote("");
          setOpen(new Set());
          onSaved(saved);
        },
        onError: (err) => showIssues(issuesOf(err)),
      },
    );
  }

  const listIssues = issues.filter((i) => i.rule === null);

  return (
    <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_minmax(0,24rem)]">
      <div className="min-w-0 space-y-3">
        {issues.length ? (
          <div role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 ring-1 ring-red-200">
            {issues.length} problem{issues.length > 1 ? "s" : ""} to fix before these rules can be used; each is shown on its rule.
            {listIssues.map((i) => (
              <p key={i.field + i.message}>{i.message}</p>
            ))}
          </div>
        ) : null}
        {draft.length === 0 ? (
          <Card>
            <EmptyState
              title="No rules"
              action={
                canEdit ? (
                  <Button variant="primary" onClick={add}>
                    Add the first rule
                  </Button>
                ) : null
              }
            >
              Without rules, requests go from app policies straight to the classifier and the default route.
            </EmptyState>
          </Card>
        ) : (
          <ol className="space-y-2" aria-label="Rules, in order">
            {draft.map((rule, i) => (
              <RuleCard
                key={keyFor(rule)}
                rule={rule}
                index={i}
                count={draft.length}
                routes={routes}
                editable={canEdit}
                open={open.has(keyFor(rule))}
                onToggle={() => toggle(keyFor(rule))}
                onChange={(next) => update(i, next)}
                onMove={(delta) => onChange(moveRule(draft, i, delta))}
                onDelete={() => onChange(draft.filter((_, j) => j !== i))}
                errors={issuesForRule(issues, i)}
                isNew={!savedIds.has(rule.id)}
                changed={savedById.has(rule.id) && !sameRules([savedById.get(rule.id)!], [rule])}
              />
            ))}
          </ol>
        )}
        {canEdit && draft.length ? (
          <Button onClick={add}>
            <span aria-hidden>+</span> Add rule
          </Button>
        ) : null}
      </div>

      <div className="min-w-0 space-y-4">
        {canEdit ? (
          <Card>
            <CardHeader title="Save" description="Saving makes a new version; it routes the next request at once." />
            <CardBody>
              <form onSubmit={submit} className="space-y-3">
                <Field label="Note" hint="What changed and why, for the history.">
                  {(c) => <TextInput {...c} value={note} onChange={(e) => setNote(e.target.value)} maxLength={500} placeholder="Route postmortems to reasoning" />}
                </Field>
                {save.error && !issuesOf(save.error).length ? (
                  <FormMessage tone="error">{isApiError(save.error) ? save.error.message : "Could not save."}</FormMessage>
                ) : null}
                {save.data && !dirty ? <FormMessage tone="success">Saved as version {save.data.version}.</FormMessage> : null}
                <div className="flex flex-wrap gap-2">
                  <Button type="submit" variant="primary" disabled={!dirty || save.isPending}>
                    {save.isPending ? "Saving…" : `Save as version ${base.version + 1}`}
                  </Button>
                  <Button variant="ghost" onClick={onDiscard} disabled={!dirty || save.isPending}>
                    Discard changes
                  </Button>
                </div>
              </form>
            </CardBody>
          </Card>
        ) : null}
        <TestPanel rules={draft} onIssues={showIssues} />
        <ReplayPanel rules={draft} onIssues={showIssues} />
      </div>
    </div>
  );
}

export function LoadingRules() {
  return (
    <div className="space-y-3" aria-busy="true">
      <div className="flex items-center gap-2 text-sm text-gray-500">
        <Spinner label="Loading the rules" /> Loading the rules…
      </div>
      {[0, 1, 2].map((i) => (
        <div key={i} className="h-16 animate-pulse rounded-lg border border-gray-200 bg-white motion-reduce:animate-none" />
      ))}
    </div>
  );
}
