"use client";

import { Field, Select, Switch, TextArea, TextInput } from "@/components/ui/Form";
import { TagInput } from "@/components/ui/TagInput";
import { listOrUndefined, slugify, type RouteView, type Rule } from "@/lib/ui/rules";

type When = Rule["when"];

/**
 * A rule as form fields: conditions as tag lists, numbers and a tools choice;
 * the action as a route. Every edit goes straight into the draft; the server
 * validates on test, replay and save, and its messages land on the fields
 * (`errors`, keyed by field path such as "when.minPromptChars").
 */
export function RuleForm({
  rule,
  onChange,
  routes,
  errors,
  idEditable,
}: {
  rule: Rule;
  onChange: (next: Rule) => void;
  routes: RouteView[];
  errors: Record<string, string>;
  /** Only unsaved rules may change id: history and diffs follow a rule by it. */
  idEditable: boolean;
}) {
  const setWhen = (patch: Partial<When>) => onChange({ ...rule, when: { ...rule.when, ...patch } });
  const num = (raw: string) => (raw.trim() === "" ? undefined : Math.max(0, Math.floor(Number(raw))));
  const routeKnown = routes.some((r) => r.id === rule.then.routeId);

  return (
    <div className="space-y-4">
      <div className="grid gap-3 sm:grid-cols-[2fr_1fr]">
        <Field label="Name" error={errors["name"]}>
          {(c) => <TextInput {...c} value={rule.name} onChange={(e) => onChange(rename(rule, e.target.value, idEditable))} maxLength={120} />}
        </Field>
        <Field label="Rule id" hint={idEditable ? "Letters, digits, - and _." : "Fixed once saved."} error={errors["id"]}>
          {(c) => (
            <TextInput
              {...c}
              value={rule.id}
              readOnly={!idEditable}
              className="font-mono text-xs"
              onChange={(e) => onChange({ ...rule, id: e.target.value.replace(/\s+/g, "-") })}
              maxLength={64}
            />
          )}
        </Field>
      </div>
      <Field label="Description" error={errors["description"]}>
        {(c) => <TextArea {...c} rows={2} value={rule.description} onChange={(e) => onChange({ ...rule, description: e.target.value })} maxLength={2000} />}
      </Field>

      <fieldset className="rounded-md border border-gray-200 p-3">
        <legend className="px-1 text-xs font-semibold text-gray-700">When all of these hold (empty = any)</legend>
        <div className="grid gap-3 sm:grid-cols-2">
          <Field label="Tasks" hint="thinkgate-task header, e.g. code-review" error={errors["when.tasks"]}>
            {(c) => <TagInput control={c} itemLabel="task" value={rule.when.tasks ?? []} onChange={(v) => setWhen({ tasks: listOrUndefined(v) })} placeholder="Add a task, press Enter" />}
          </Field>
          <Field label="Apps" hint="thinkgate-app header" error={errors["when.apps"]}>
            {(c) => <TagInput control={c} itemLabel="app" value={rule.when.apps ?? []} onChange={(v) => setWhen({ apps: listOrUndefined(v) })} placeholder="Add an app, press Enter" />}
          </Field>
          <Field label="Models" hint="The model the client asked for" error={errors["when.models"]}>
            {(c) => <TagInput control={c} itemLabel="model" value={rule.when.models ?? []} onChange={(v) => setWhen({ models: listOrUndefined(v) })} placeholder="e.g. claude-sonnet-4-6" />}
          </Field>
          <Field label="Prompt keywords" hint="Whole words or phrases, any of them, case-insensitive" error={errors["when.promptContains"]}>
            {(c) => (
              <TagInput
                control={c}
                itemLabel="keyword"
                value={rule.when.promptContains ?? []}
                onChange={(v) => setWhen({ promptContains: listOrUndefined(v) })}
                placeholder="e.g. threat model"
              />
            )}
          </Field>
          <div className="grid grid-cols-2 gap-3">
            <Field label="Min prompt chars" error={errors["when.minPromptChars"]}>
              {(c) => <TextInput {...c} type="number" min={0} inputMode="numeric" value={rule.when.minPromptChars ?? ""} onChange={(e) => setWhen({ minPromptChars: num(e.target.value) })} />}
            </Field>
            <Field label="Max prompt chars" error={errors["when.maxPromptChars"]}>
              {(c) => <TextInput {...c} type="number" min={0} inputMode="numeric" value={rule.when.maxPromptChars ?? ""} onChange={(e) => setWhen({ maxPromptChars: num(e.target.value) })} />}
            </Field>
          </div>
          <Field label="Has tools" error={errors["when.hasTools"]}>
            {(c) => (
              <Select
                {...c}
                value={rule.when.hasTools === undefined ? "any" : rule.when.hasTools ? "yes" : "no"}
                onChange={(e) => setWhen({ hasTools: e.target.value === "any" ? undefined : e.target.value === "yes" })}
              >
                <option value="any">Any</option>
                <option value="yes">Yes, the request has tools</option>
                <option value="no">No tools</option>
              </Select>
            )}
          </Field>
        </div>
        {errors["when"] ? <p className="mt-2 text-xs text-red-700">{errors["when"]}</p> : null}
      </fieldset>

      <Field label="Then route to" error={errors["then.routeId"] ?? errors["then"]}>
        {(c) => (
          <Select {...c} value={rule.then.routeId} onChange={(e) => onChange({ ...rule, then: { routeId: e.target.value } })}>
            {routeKnown ? null : <option value={rule.then.routeId}>{rule.then.routeId || "Choose a route"} (unknown)</option>}
            {routes.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name} — {r.tier}, {r.model === "*" ? "requested model" : r.model}
                {r.thinking === "on" ? `, thinking ${r.budgetTier ?? r.effort ?? (r.budgetTokens ? `${r.budgetTokens} tokens` : "on")}` : ", no thinking"}
              </option>
            ))}
          </Select>
        )}
      </Field>

      <EscalationFields rule={rule} onChange={onChange} routes={routes} errors={errors} />
    </div>
  );
}

/** A new rule's id follows its name until someone types an id of their own. */
function rename(rule: Rule, name: string, idEditable: boolean): Rule {
  const follows = idEditable && (rule.id === slugify(rule.name) || /^new-rule(-\d+)?$/.test(rule.id));
  return { ...rule, name, id: follows && name.trim() ? slugify(name) : rule.id };
}

type Policy = NonNullable<Rule["escalate"]>;

// The schema's defaults (lib/routing/escalation.ts), for a policy switched on in the form.
const DEFAULT_ESCALATION: Policy = { onMaxTokens: true, onRefusal: true, maxHedgeDensity: 25, onLowConfidence: false };

/**
 * Escalation for a rule that routes to a standard route: the answer is
 * checked, and a weak one is asked again on a reasoning route. The common
 * checks are form fields; a JSON-schema check set through the API is kept
 * as it is.
 */
function EscalationFields({
  rule,
  onChange,
  routes,
  errors,
}: {
  rule: Rule;
  onChange: (next: Rule) => void;
  routes: RouteView[];
  errors: Record<string, string>;
}) {
  const p = rule.escalate;
  const target = routes.find((r) => r.id === rule.then.routeId);
  const set = (patch: Partial<Policy>) => onChange({ ...rule, escalate: { ...(p ?? DEFAULT_ESCALATION), ...patch } });
  const error = Object.entries(errors)
    .filter(([k]) => k === "escalate" || k.startsWith("escalate."))
    .map(([, v]) => v)
    .join("; ");
  return (
    <fieldset className="rounded-md border border-gray-200 p-3">
      <legend className="px-1 text-xs font-semibold text-gray-700">Escalation</legend>
      <Switch
        checked={!!p}
        onChange={(on) => onChange({ ...rule, escalate: on ? DEFAULT_ESCALATION : undefined })}
        label="Check standard answers and escalate weak ones to reasoning"
        showLabel
      />
      {p && target && target.tier !== "standard" ? (
        <p className="mt-2 text-xs text-amber-800">This rule already routes to a reasoning route; escalation only applies to standard routes.</p>
      ) : null}
      {p ? (
        <div className="mt-3 grid gap-3 sm:grid-cols-2">
          <div className="flex flex-col gap-2">
            <Switch checked={p.onMaxTokens} onChange={(v) => set({ onMaxTokens: v })} label="When the answer stops on max_tokens" showLabel />
            <Switch checked={p.onRefusal} onChange={(v) => set({ onRefusal: v })} label="When the model refuses" showLabel />
            <Switch checked={p.onLowConfidence} onChange={(v) => set({ onLowConfidence: v })} label="When the answer says it is unsure" showLabel />
          </div>
          <Field label="Max hedges per 1,000 words" error={errors["escalate.maxHedgeDensity"]}>
            {(c) => (
              <TextInput {...c} type="number" min={0} max={1000} value={p.maxHedgeDensity} onChange={(e) => set({ maxHedgeDensity: Math.max(0, Number(e.target.value) || 0) })} />
            )}
          </Field>
          <Field label="Answer must match pattern (optional)" hint="A simple regular expression; risky patterns are refused." error={errors["escalate.answerPattern"]}>
            {(c) => <TextInput {...c} value={p.answerPattern ?? ""} onChange={(e) => set({ answerPattern: e.target.value || undefined })} className="font-mono text-xs" />}
          </Field>
          <Field label="Escalate to" error={errors["escalate.toRouteId"]}>
            {(c) => (
              <Select {...c} value={p.toRouteId ?? ""} onChange={(e) => set({ toRouteId: e.target.value || undefined })}>
                <option value="">the reasoning tier route</option>
                {routes
                  .filter((r) => r.tier === "reasoning")
                  .map((r) => (
                    <option key={r.id} value={r.id}>
                      {r.name}
                    </option>
                  ))}
              </Select>
            )}
          </Field>
          {p.jsonSchema ? <p className="text-xs text-gray-600 sm:col-span-2">A JSON-schema check is set (through the API); it is kept.</p> : null}
        </div>
      ) : null}
      {error ? <p className="mt-2 text-xs text-red-700">{error}</p> : null}
    </fieldset>
  );
}
