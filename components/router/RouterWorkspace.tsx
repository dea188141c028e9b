"use client";

import Link from "next/link";
import { useState } from "react";
import { Badge } from "@/components/ui/Badge";
import { Button } from "@/components/ui/Button";
import { Card, CardBody, CardHeader } from "@/components/ui/Card";
import { EmptyState } from "@/components/ui/EmptyState";
import { ErrorState } from "@/components/ui/ErrorState";
import { FormMessage } from "@/components/ui/Form";
import { Spinner } from "@/components/ui/Spinner";
import { cn } from "@/lib/ui/cn";
import { formatRelativeTime, formatTimestamp } from "@/lib/ui/format";
import { comparisonRows, formatChange, modelInUse, outOfFoldLine, type RouterOverview, type VersionView } from "@/lib/ui/router";
import { ComparisonTable } from "./ComparisonTable";
import { useRetrain, useRouterOverview, useSwitchVersion } from "./useRouter";

type Role = "viewer" | "editor" | "admin";

/** The router's learning loop: the model in use, the team's labels, retrain, compare, apply, roll back. */
export function RouterWorkspace({ role }: { role: Role }) {
  const canEdit = role === "editor" || role === "admin";
  const overview = useRouterOverview();
  const [selected, setSelected] = useState<number | null>(null);

  if (overview.isPending) {
    return (
      <div className="flex items-center gap-2 text-sm text-gray-500">
        <Spinner /> Loading the router…
      </div>
    );
  }
  if (overview.error) return <ErrorState title="Could not load the router" error={overview.error} onRetry={() => void overview.refetch()} />;
  const o = overview.data;
  const shown = o.versions.find((v) => v.version === selected) ?? o.versions[0] ?? null;

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-2">
        <h1 className="text-lg font-semibold text-gray-900">Router</h1>
        {!canEdit ? <Badge>read-only: your role is {role}</Badge> : null}
      </div>
      <InUseCard o={o} canEdit={canEdit} onTrained={setSelected} />
      {shown ? <VersionCard v={shown} o={o} canEdit={canEdit} /> : null}
      <VersionsCard o={o} selected={shown?.version ?? null} onSelect={setSelected} canEdit={canEdit} />
    </div>
  );
}

function InUseCard({ o, canEdit, onTrained }: { o: RouterOverview; canEdit: boolean; onTrained: (v: number) => void }) {
  const retrain = useRetrain();
  const total = o.labels.reasoning + o.labels.standard;
  return (
    <Card>
      <CardHeader
        title="Model in use"
        description="Every instance scores with this model; applying or rolling back changes it on all of them at once, without a restart."
        actions={
          canEdit ? (
            <Button variant="primary" disabled={retrain.isPending} onClick={() => retrain.mutate(undefined, { onSuccess: (v) => onTrained(v.version) })}>
              {retrain.isPending ? (
                <>
                  <Spinner /> Retraining…
                </>
              ) : (
                "Retrain with the team's labels"
              )}
            </Button>
          ) : null
        }
      />
      <CardBody className="space-y-2 text-sm text-gray-700">
        <p data-testid="model-in-use">{modelInUse(o)}</p>
        <p>
          Threshold in effect: <span className="font-medium tabular-nums">{o.current.threshold.toFixed(4)}</span>
        </p>
        {outOfFoldLine(o.current.model.outOfFold) ? (
          <p data-testid="in-use-generalisation">
            On prompts of sources it did not see (each family scored by a model trained without it, at training): {outOfFoldLine(o.current.model.outOfFold)}. The headline
            figures of every source are <code className="text-xs">npm run eval:router</code>&apos;s leave-one-source-out table.
          </p>
        ) : null}
        <p data-testid="label-count">
          The team&apos;s labels: <span className="font-medium">{total}</span> ({o.labels.reasoning} reasoning, {o.labels.standard} standard).{" "}
          {total === 0 ? (
            <>
              Label prompts in the <Link className="text-accent-700 underline" href="/traces">traces</Link> or the{" "}
              <Link className="text-accent-700 underline" href="/playground">playground</Link>; retraining learns from them.
            </>
          ) : (
            "Retraining trains on the shipped data plus 70% of them and holds the other 30% out for the comparison."
          )}
        </p>
        {retrain.isPending ? <p className="text-gray-500">Training takes a few seconds; requests keep being served meanwhile.</p> : null}
        {retrain.error ? <FormMessage tone="error">{retrain.error.message}</FormMessage> : null}
      </CardBody>
    </Card>
  );
}

function status(v: VersionView): { tone: "success" | "neutral" | "warning" | "danger"; text: string } {
  if (v.inUse) return { tone: "success", text: "in use" };
  if (v.appliedAt) return { tone: "neutral", text: "was in use" };
  if (!v.evaluation.verdict.allowed) return { tone: "danger", text: "worse" };
  if (!v.apply.allowed) return { tone: "warning", text: "outdated" };
  return { tone: "neutral", text: "candidate" };
}

function VersionCard({ v, o, canEdit }: { v: VersionView; o: RouterOverview; canEdit: boolean }) {
  const change = useSwitchVersion();
  const against = v.basedOn === null ? "the base model" : `version ${v.basedOn}`;
  const canRollback = !v.inUse && v.appliedAt !== null;
  return (
    <Card>
      <CardHeader
        title={
          <span className="flex items-center gap-2">
            Version {v.version} against {against} <Badge tone={status(v).tone}>{status(v).text}</Badge>
          </span>
        }
        description={`Trained by ${v.createdBy} on ${formatTimestamp(v.createdAt)} from ${v.labels} labels in ${(v.trainMs / 1000).toFixed(1)} s. Both models on the same held-out rows, each at its own threshold (in use ${v.evaluation.comparison.thresholds.current.toFixed(4)}, candidate ${v.evaluation.comparison.thresholds.candidate.toFixed(4)}).`}
        actions={
          canEdit && !v.inUse ? (
            canRollback ? (
              <Button variant="secondary" disabled={change.isPending} onClick={() => change.mutate({ version: v.version, action: "rollback" })}>
                Roll back to version {v.version}
              </Button>
            ) : (
              <Button
                variant="primary"
                disabled={change.isPending || !v.apply.allowed}
                title={v.apply.allowed ? undefined : v.apply.reason}
                onClick={() => change.mutate({ version: v.version, action: "apply" })}
              >
                {change.isPending ? "Applying…" : `Apply version ${v.version}`}
              </Button>
            )
          ) : null
        }
      />
      <CardBody className="space-y-3">
        <p
          data-testid="apply-verdict"
          className={cn("text-sm", v.inUse || v.apply.allowed ? "text-gray-700" : "rounded-md bg-red-50 px-3 py-2 text-red-800 ring-1 ring-red-200")}
        >
          {v.inUse ? `In use since ${formatTimestamp(v.appliedAt!)}.` : v.apply.allowed ? `Can be applied: ${v.apply.reason}.` : `Cannot be applied: ${v.apply.reason}.`}
        </p>
        {change.error ? <FormMessage tone="error">{change.error.message}</FormMessage> : null}
        <ComparisonTable rows={comparisonRows(v)} />
        <p data-testid="candidate-generalisation" className="text-xs text-gray-600">
          The candidate on prompts of sources it did not see (its own out-of-family estimate at training, the team&apos;s labels one family; not the same rows as the
          table): {outOfFoldLine(v.evaluation.outOfFold)}.
        </p>
        <p className="text-xs text-gray-500">
          Held out: the shipped test split ({v.evaluation.rows.shippedTest} prompts, a fixed 30% of the shipped data by a hash of each row, never trained on) and the team&apos;s
          labels on the test side of the same rule ({v.evaluation.team.test} of {v.evaluation.team.train + v.evaluation.team.test}, by a hash of the prompt). Apply is refused
          when F1 on the shipped test split drops by more than 0.01.
          {o.current.version !== v.basedOn && !v.inUse ? " The model in use changed since this version was trained: retrain to compare with it." : ""}
        </p>
      </CardBody>
    </Card>
  );
}

function VersionsCard({ o, selected, onSelect, canEdit }: { o: RouterOverview; selected: number | null; onSelect: (v: number) => void; canEdit: boolean }) {
  const change = useSwitchVersion();
  return (
    <Card>
      <CardHeader
        title="Versions"
        description="Newest first. Pick one to see its comparison."
        actions={
          canEdit && o.current.version !== null ? (
            <Button size="sm" variant="ghost" disabled={change.isPending} onClick={() => change.mutate({ version: "base", action: "rollback" })}>
              Roll back to the base model
            </Button>
          ) : null
        }
      />
      {change.error ? (
        <div className="px-4 pt-3">
          <FormMessage tone="error">{change.error.message}</FormMessage>
        </div>
      ) : null}
      {o.versions.length === 0 ? (
        <EmptyState title="No versions yet">Retrain to train a candidate from the team&apos;s labels and compare it with the model in use.</EmptyState>
      ) : (
        <ol aria-label="Router model versions" className="divide-y divide-gray-100">
          {o.versions.map((v) => {
            const s = status(v);
            const f1 = v.evaluation.verdict.f1Change;
            return (
              <li key={v.version}>
                <button
                  type="button"
                  onClick={() => onSelect(v.version)}
                  aria-current={selected === v.version ? "true" : undefined}
                  className={cn("flex w-full flex-wrap items-center gap-3 px-4 py-2.5 text-left text-xs hover:bg-gray-50", selected === v.version && "bg-accent-50")}
                >
                  <span className="font-semibold text-gray-900">Version {v.version}</span>
                  <Badge tone={s.tone}>{s.text}</Badge>
                  <span className="text-gray-600">
                    {v.labels} labels · F1 on the shipped test split {formatChange(Number.isFinite(f1) ? f1 : null, "ratio")}
                  </span>
                  <span className="ml-auto text-gray-500" title={formatTimestamp(v.createdAt)}>
                    {v.createdBy} · {formatRelativeTime(v.createdAt)}
                  </span>
                </button>
              </li>
            );
          })}
        </ol>
      )}
    </Card>
  );
}
