"use client";

import { Badge } from "@/components/ui/Badge";
import { Button } from "@/components/ui/Button";
import { Switch } from "@/components/ui/Form";
import { cn } from "@/lib/ui/cn";
import { conditionPhrases, type RouteView, type Rule } from "@/lib/ui/rules";
import { RuleForm } from "./RuleForm";
import { Untrusted } from "@/components/ui/Untrusted";

/** One rule: its place in the order, what it matches and where it sends traffic; the form when open. */
export function RuleCard({
  rule,
  index,
  count,
  routes,
  editable,
  open,
  onToggle,
  onChange,
  onMove,
  onDelete,
  errors,
  isNew,
  changed,
}: {
  rule: Rule;
  index: number;
  count: number;
  routes: RouteView[];
  editable: boolean;
  open: boolean;
  onToggle: () => void;
  onChange: (next: Rule) => void;
  onMove: (delta: number) => void;
  onDelete: () => void;
  errors: Record<string, string>;
  isNew: boolean;
  /** Differs from the saved version. */
  changed: boolean;
}) {
  const route = routes.find((r) => r.id === rule.then.routeId);
  const phrases = conditionPhrases(rule);
  const hasErrors = Object.keys(errors).length > 0;
  const label = rule.name.trim() || `Rule ${index + 1}`;

  return (
    <li
      aria-label={`Rule ${index + 1}: ${label}`}
      className={cn(
        "rounded-lg border bg-white shadow-xs",
        hasErrors ? "border-red-300" : open ? "border-accent-300" : "border-gray-200",
        !rule.enabled && "bg-gray-50",
      )}
    >
      <div className="flex flex-wrap items-start gap-x-3 gap-y-2 px-3 py-3 sm:px-4">
        <span aria-hidden className="mt-0.5 flex size-6 shrink-0 items-center justify-center rounded-full bg-gray-100 text-xs font-semibold text-gray-600 tabular-nums">
          {index + 1}
        </span>
        <div className="min-w-0 flex-1 basis-56">
          <div className="flex flex-wrap items-center gap-2">
            <h3 className={cn("truncate text-sm font-semibold", rule.enabled ? "text-gray-900" : "text-gray-500 line-through decoration-gray-300")}><Untrusted text={label} /></h3>
            {isNew ? <Badge tone="success">new</Badge> : changed ? <Badge tone="warning">edited</Badge> : null}
            {!rule.enabled ? <Badge>disabled</Badge> : null}
            {rule.escalate ? <Badge title="Weak standard answers are asked again on a reasoning route">escalates</Badge> : null}
            {hasErrors ? <Badge tone="danger">needs a fix</Badge> : null}
          </div>
          <p className="mt-1 text-xs text-gray-600">
            <span className="text-gray-500">When </span>
            {phrases.length ? phrases.join(", and ") : <span className="italic">any request (no conditions)</span>}
            <span className="text-gray-500"> → </span>
            {route ? (
              <Badge tone={route.tier} title={`${route.model === "*" ? "requested model" : route.model}, thinking ${route.thinking}`}>
                <Untrusted text={route.name} />
              </Badge>
            ) : (
              <Badge tone="danger">unknown route “{rule.then.routeId}”</Badge>
            )}
          </p>
          {rule.description && !open ? <p className="mt-1 line-clamp-2 text-xs text-gray-500"><Untrusted text={rule.description} /></p> : null}
        </div>
        <div className="flex shrink-0 flex-wrap items-center gap-1">
          <Switch checked={rule.enabled} onChange={(enabled) => onChange({ ...rule, enabled })} label={`Enable ${label}`} disabled={!editable} />
          {editable ? (
            <>
              <Button size="sm" variant="ghost" onClick={() => onMove(-1)} disabled={index === 0} aria-label={`Move ${label} up`} title="Move up">
                ↑
              </Button>
              <Button size="sm" variant="ghost" onClick={() => onMove(1)} disabled={index === count - 1} aria-label={`Move ${label} down`} title="Move down">
                ↓
              </Button>
            </>
          ) : null}
          <Button size="sm" variant={open ? "primary" : "secondary"} onClick={onToggle} aria-expanded={open} aria-label={`${open ? "Close" : editable ? "Edit" : "View"} ${label}`}>
            {open ? "Done" : editable ? "Edit" : "View"}
          </Button>
          {editable ? (
            <Button size="sm" variant="danger" onClick={onDelete} aria-label={`Delete ${label}`}>
              Delete
            </Button>
          ) : null}
        </div>
      </div>
      {open ? (
        <div className="border-t border-gray-100 px-3 py-4 sm:px-4">
          <fieldset disabled={!editable} className="min-w-0">
            <RuleForm rule={rule} onChange={onChange} routes={routes} errors={errors} idEditable={isNew} />
          </fieldset>
        </div>
      ) : null}
    </li>
  );
}
