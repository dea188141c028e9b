"use client";

import { useState } from "react";
import { Badge } from "@/components/ui/Badge";
import { Button } from "@/components/ui/Button";
import { Card, CardBody, CardHeader } from "@/components/ui/Card";
import { EmptyState } from "@/components/ui/EmptyState";
import { Field, FormMessage, Select } from "@/components/ui/Form";
import { isApiError } from "@/lib/ui/api-client";
import { cn } from "@/lib/ui/cn";
import { formatTimestamp, formatUsd } from "@/lib/ui/format";
import { issuesOf, sameRules, signed, type ReplayView, type Rule, type RuleIssue } from "@/lib/ui/rules";
import { useReplay } from "./useRules";
import { Untrusted } from "@/components/ui/Untrusted";
import { showBidiControls } from "@/lib/ui/bidi";

const LIMITS = [100, 500, 1000, 5000];

/**
 * What-if replay: the draft and the saved rules each re-decide the last N
 * stored requests; what would change tier or route, and what that costs over
 * the window those requests span. A per-day figure is an extrapolation from
 * that window (an hour of traffic is not a day of it), so it is shown only
 * when asked for, and says what it was scaled from.
 */
export function ReplayPanel({ rules, onIssues }: { rules: Rule[]; onIssues: (issues: RuleIssue[]) => void }) {
  const [limit, setLimit] = useState(500);
  const [ranWith, setRanWith] = useState<Rule[] | null>(null);
  const replay = useReplay();

  function run() {
    const snapshot = rules;
    replay.mutate(
      { rules: snapshot, limit },
      {
        onSuccess: () => {
          setRanWith(snapshot);
          onIssues([]);
        },
        onError: (err) => onIssues(issuesOf(err)),
      },
    );
  }

  const r = replay.data;
  const stale = !!r && !!ranWith && !sameRules(ranWith, rules);
  return (
    <Card>
      <CardHeader title="What-if replay" description="Before saving: re-decide recent stored requests with the draft and with the saved rules." />
      <CardBody>
        <div className="flex flex-wrap items-end gap-3">
          <Field label="Requests to replay" className="w-40">
            {(c) => (
              <Select {...c} value={limit} onChange={(e) => setLimit(Number(e.target.value))}>
                {LIMITS.map((n) => (
                  <option key={n} value={n}>
                    Last {n.toLocaleString("en-US")}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <Button variant="primary" onClick={run} disabled={replay.isPending}>
            {replay.isPending ? "Replaying…" : "Run replay"}
          </Button>
        </div>
        {replay.error ? (
          <div className="mt-3">
            <FormMessage tone="error">{isApiError(replay.error) ? replay.error.message : "The replay failed."}</FormMessage>
          </div>
        ) : null}
        {stale ? (
          <p role="status" className="mt-3 rounded-md bg-amber-50 px-2 py-1.5 text-xs text-amber-900 ring-1 ring-amber-200">
            The draft changed since this replay. Run it again to see the effect of your latest edits.
          </p>
        ) : null}
        {r && !replay.isPending ? <ReplayResult r={r} /> : null}
      </CardBody>
    </Card>
  );
}

function windowLength(days: number): string {
  return days < 1 ? `${Math.round(days * 24 * 10) / 10} h` : `${Math.round(days * 10) / 10} days`;
}

function ReplayResult({ r }: { r: ReplayView }) {
  const [perDayShown, setPerDayShown] = useState(false);
  if (r.considered === 0) {
    return <EmptyState title="No stored requests yet">Send some traffic through the gateway, then replay it here.</EmptyState>;
  }
  const total = r.cost.deltaTotal;
  const perDay = r.cost.deltaPerDay;
  const span = r.window.days ? windowLength(r.window.days) : null;
  const skipped = r.skipped.override + r.skipped.pinned + r.skipped.undecided + (r.skipped.cleared ?? 0);
  return (
    <div className="mt-4 space-y-4 border-t border-gray-100 pt-3" aria-live="polite">
      <p className="text-sm text-gray-900">
        <span className="font-semibold tabular-nums">{r.changed.total.toLocaleString("en-US")}</span> of {r.replayed.toLocaleString("en-US")} requests would be routed
        differently.
      </p>
      <dl className="grid grid-cols-2 gap-2 text-center sm:grid-cols-4">
        <Stat label="→ reasoning" value={r.changed.toReasoning} tone="reasoning" />
        <Stat label="→ standard" value={r.changed.toStandard} tone="standard" />
        <Stat label="Route only" value={r.changed.routeOnly} />
        <div className="rounded-md bg-gray-50 px-2 py-2 ring-1 ring-gray-200">
          <dt className="text-[11px] text-gray-500">{span ? `Cost over the ${span} replayed` : "Cost over the window"}</dt>
          <dd className={cn("text-base font-semibold tabular-nums", total > 0 ? "text-red-700" : total < 0 ? "text-emerald-700" : "text-gray-900")}>
            {signed(total, formatUsd)}
          </dd>
        </div>
      </dl>
      {span ? (
        <div className="text-xs text-gray-600">
          <label className="inline-flex items-center gap-1.5">
            <input type="checkbox" checked={perDayShown} onChange={(e) => setPerDayShown(e.target.checked)} />
            Extrapolate to a day
          </label>
          {perDayShown ? (
            <p className="mt-1" role="status">
              <span className="font-semibold tabular-nums">{signed(perDay, formatUsd)} per day</span>, extrapolated from {span} of traffic: it assumes the
              replayed window is typical of a whole day{r.window.days < 1 ? ", which an hour or a burst rarely is" : ""}.
            </p>
          ) : null}
        </div>
      ) : null}
      <p className="text-xs text-gray-500">
        Window: the last {r.considered.toLocaleString("en-US")} stored requests, {r.window.from ? `${formatTimestamp(r.window.from)} – ${formatTimestamp(r.window.to!)}` : "no window"}
        {span ? ` (${span})` : ""}. Total{" "}
        {signed(total, formatUsd)} over the window
        {r.cost.unpricedChanges ? `; ${r.cost.unpricedChanges} changed request${r.cost.unpricedChanges > 1 ? "s" : ""} on unpriced models not counted` : ""}.
        {skipped ? ` Skipped ${skipped}: ${r.skipped.override} forced by thinkgate-tier, ${r.skipped.pinned} pinned conversations, ${r.skipped.undecided} rejected before routing${r.skipped.cleared ? `, ${r.skipped.cleared} whose text the retention cleared` : ""}.` : ""}
      </p>
      {r.changes.length ? (
        <div>
          <h3 className="mb-2 text-xs font-semibold text-gray-700">
            Changed requests{r.truncated ? ` (first ${r.changes.length})` : ""}
          </h3>
          <ul className="max-h-96 divide-y divide-gray-100 overflow-y-auto rounded-md ring-1 ring-gray-200" aria-label="Changed requests">
            {r.changes.map((c) => (
              <li key={c.id} className="px-3 py-2 text-xs">
                <p className="line-clamp-2 text-gray-800" title={showBidiControls(c.promptPreview)}>
                  {c.promptPreview ? <Untrusted text={c.promptPreview} /> : <span className="italic text-gray-400">(empty prompt)</span>}
                </p>
                <div className="mt-1 flex flex-wrap items-center gap-1.5 text-gray-600">
                  <Badge tone={c.before.tier}>{c.before.routeName ?? c.before.tier}</Badge>
                  <span aria-label="becomes">→</span>
                  <Badge tone={c.after.tier}>{c.after.routeName ?? c.after.tier}</Badge>
                  <span className="text-gray-500">
                    {c.after.stage === "rule" && c.after.ruleId ? `by rule ${c.after.ruleId}` : `by ${c.after.stage}`}
                    {c.task ? <> · task <Untrusted text={c.task} /></> : null}
                    {c.app ? <> · app <Untrusted text={c.app} /></> : null}
                  </span>
                  <span className={cn("ml-auto tabular-nums", c.costDelta === null ? "text-gray-400" : c.costDelta > 0 ? "text-red-700" : "text-emerald-700")}>
                    {c.costDelta === null ? "unpriced" : signed(c.costDelta, formatUsd)}
                  </span>
                </div>
              </li>
            ))}
          </ul>
        </div>
      ) : (
        <p className="text-sm text-gray-600">The draft routes every replayed request the way the saved rules do.</p>
      )}
    </div>
  );
}

function Stat({ label, value, tone }: { label: string; value: number; tone?: "reasoning" | "standard" }) {
  return (
    <div className={cn("rounded-md px-2 py-2 ring-1", tone === "reasoning" ? "bg-reasoning-50 ring-reasoning-200" : tone === "standard" ? "bg-standard-50 ring-standard-200" : "bg-gray-50 ring-gray-200")}>
      <dt className="text-[11px] text-gray-500">{label}</dt>
      <dd className="text-base font-semibold text-gray-900 tabular-nums">{value.toLocaleString("en-US")}</dd>
    </div>
  );
}
