"use client";

import { useMemo, useState } from "react";
import { Badge } from "@/components/ui/Badge";
import { Button } from "@/components/ui/Button";
import { Card, CardBody, CardHeader } from "@/components/ui/Card";
import { EmptyState } from "@/components/ui/EmptyState";
import { ErrorState } from "@/components/ui/ErrorState";
import { FormMessage } from "@/components/ui/Form";
import { Spinner } from "@/components/ui/Spinner";
import { isApiError } from "@/lib/ui/api-client";
import { cn } from "@/lib/ui/cn";
import { formatRelativeTime, formatTimestamp } from "@/lib/ui/format";
import { diffRuleSets, isEmptyDiff, type RuleDiff } from "@/lib/rules/diff";
import type { HistoryEntry, RuleSetView } from "@/lib/ui/rules";
import { useRollback, useRuleHistory, useRuleVersion } from "./useRules";
import { Untrusted } from "@/components/ui/Untrusted";

/** Every saved version with its author, time and note; pick one to see what it changed, and roll back to it. */
export function HistoryView({
  canEdit,
  activeVersion,
  dirty,
  onRolledBack,
}: {
  canEdit: boolean;
  activeVersion: number;
  dirty: boolean;
  onRolledBack: (saved: RuleSetView) => void;
}) {
  const history = useRuleHistory();
  const [selected, setSelected] = useState<number | null>(null);
  const entries = history.data?.data ?? [];
  const current = selected ?? entries[0]?.version ?? null;

  if (history.isPending) return <Loading />;
  if (history.error) return <ErrorState title="Could not load the history" error={history.error} onRetry={() => void history.refetch()} />;
  if (!entries.length) return <EmptyState title="No versions yet">Saving the rules creates the first version.</EmptyState>;

  return (
    <div className="grid gap-4 lg:grid-cols-[minmax(0,22rem)_minmax(0,1fr)]">
      <Card>
        <CardHeader title="Versions" description="Newest first. Every save and rollback is a new version." />
        <ol aria-label="Rule set versions" className="max-h-[32rem] divide-y divide-gray-100 overflow-y-auto">
          {entries.map((e) => (
            <li key={e.version}>
              <button
                type="button"
                onClick={() => setSelected(e.version)}
                aria-current={current === e.version ? "true" : undefined}
                className={cn(
                  "block w-full px-4 py-2.5 text-left text-xs hover:bg-gray-50 focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-accent-600",
                  current === e.version && "bg-accent-50",
                )}
              >
                <span className="flex items-center gap-2">
                  <span className="font-semibold text-gray-900">Version {e.version}</span>
                  {e.version === activeVersion ? <Badge tone="success">active</Badge> : null}
                  <span className="ml-auto text-gray-500" title={formatTimestamp(e.createdAt)}>
                    {formatRelativeTime(e.createdAt)}
                  </span>
                </span>
                <span className="mt-0.5 block truncate text-gray-600">
                  {e.createdBy} · {e.ruleCount} rule{e.ruleCount === 1 ? "" : "s"}
                </span>
                {e.note ? <span className="mt-0.5 block truncate text-gray-500 italic">“{e.note}”</span> : null}
              </button>
            </li>
          ))}
        </ol>
      </Card>
      {current !== null ? <VersionDetail entry={entries.find((e) => e.version === current)!} canEdit={canEdit} activeVersion={activeVersion} dirty={dirty} onRolledBack={onRolledBack} /> : null}
    </div>
  );
}

function VersionDetail({
  entry,
  canEdit,
  activeVersion,
  dirty,
  onRolledBack,
}: {
  entry: HistoryEntry;
  canEdit: boolean;
  activeVersion: number;
  dirty: boolean;
  onRolledBack: (saved: RuleSetView) => void;
}) {
  const version = useRuleVersion(entry.version);
  const previous = useRuleVersion(entry.version > 1 ? entry.version - 1 : null);
  const rollback = useRollback();
  const [confirming, setConfirming] = useState(false);
  const diff = useMemo(
    () => (version.data ? diffRuleSets(previous.data?.rules ?? [], version.data.rules) : null),
    [version.data, previous.data],
  );
  const loading = version.isPending || (entry.version > 1 && previous.isPending);
  const error = version.error ?? previous.error;

  return (
    <Card>
      <CardHeader
        title={`Version ${entry.version}`}
        description={`Saved by ${entry.createdBy} on ${formatTimestamp(entry.createdAt)}${entry.note ? ` — “${entry.note}”` : ""}`}
        actions={
          canEdit && entry.version !== activeVersion ? (
            confirming ? (
              <span className="flex flex-wrap items-center gap-2">
                <Button
                  size="sm"
                  variant="primary"
                  disabled={rollback.isPending}
                  onClick={() => rollback.mutate(entry.version, { onSuccess: onRolledBack, onSettled: () => setConfirming(false) })}
                >
                  {rollback.isPending ? "Rolling back…" : `Confirm rollback to ${entry.version}`}
                </Button>
                <Button size="sm" variant="ghost" onClick={() => setConfirming(false)}>
                  Cancel
                </Button>
              </span>
            ) : (
              <Button size="sm" onClick={() => setConfirming(true)}>
                Roll back to this version
              </Button>
            )
          ) : null
        }
      />
      <CardBody className="space-y-3">
        {confirming && dirty ? (
          <p className="rounded-md bg-amber-50 px-2 py-1.5 text-xs text-amber-900 ring-1 ring-amber-200">Your unsaved edits in the editor will be replaced by this version.</p>
        ) : null}
        {rollback.error ? <FormMessage tone="error">{isApiError(rollback.error) ? rollback.error.message : "The rollback failed."}</FormMessage> : null}
        {rollback.data ? <FormMessage tone="success">Rolled back: version {rollback.data.version} now has the rules of version {entry.version}.</FormMessage> : null}
        <h3 className="text-xs font-semibold text-gray-700">{entry.version > 1 ? `Changes from version ${entry.version - 1}` : "The first version's rules"}</h3>
        {loading ? <Loading /> : error ? <ErrorState title="Could not load this version" error={error} /> : diff ? <DiffView diff={diff} /> : null}
      </CardBody>
    </Card>
  );
}

export function DiffView({ diff }: { diff: RuleDiff }) {
  if (isEmptyDiff(diff)) return <p className="text-sm text-gray-600">No rule changed (the same rules as the version before).</p>;
  return (
    <ul className="space-y-2 text-xs" aria-label="Changes">
      {diff.added.map(({ rule, index }) => (
        <li key={`a-${rule.id}`} className="rounded-md bg-emerald-50 px-3 py-2 ring-1 ring-emerald-200">
          <Badge tone="success">added</Badge> <span className="font-medium text-gray-900"><Untrusted text={rule.name} /></span> at position {index + 1} → route {rule.then.routeId}
        </li>
      ))}
      {diff.removed.map(({ rule, index }) => (
        <li key={`r-${rule.id}`} className="rounded-md bg-red-50 px-3 py-2 ring-1 ring-red-200">
          <Badge tone="danger">removed</Badge> <span className="font-medium text-gray-900"><Untrusted text={rule.name} /></span> (was position {index + 1})
        </li>
      ))}
      {diff.changed.map((c) => (
        <li key={`c-${c.id}`} className="rounded-md bg-amber-50 px-3 py-2 ring-1 ring-amber-200">
          <Badge tone="warning">changed</Badge> <span className="font-medium text-gray-900"><Untrusted text={c.name} /></span>
          <dl className="mt-1.5 grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 gap-y-1">
            {c.fields.map((f) => (
              <div key={f.field} className="contents">
                <dt className="text-gray-500">{f.label}</dt>
                <dd className="min-w-0 break-words">
                  <del className="text-red-700 decoration-red-300">{f.before || "(empty)"}</del> <span aria-hidden>→</span>{" "}
                  <ins className="text-emerald-800 no-underline">{f.after || "(empty)"}</ins>
                </dd>
              </div>
            ))}
          </dl>
        </li>
      ))}
      {diff.moved.map((m) => (
        <li key={`m-${m.id}`} className="rounded-md bg-gray-50 px-3 py-2 ring-1 ring-gray-200">
          <Badge>moved</Badge> <span className="font-medium text-gray-900"><Untrusted text={m.name} /></span> from position {m.from} to {m.to}
        </li>
      ))}
    </ul>
  );
}

function Loading() {
  return (
    <div className="flex items-center gap-2 px-4 py-8 text-sm text-gray-500">
      <Spinner /> Loading…
    </div>
  );
}
