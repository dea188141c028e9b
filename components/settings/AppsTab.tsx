"use client";

import { useState, type FormEvent } from "react";
import { Badge } from "@/components/ui/Badge";
import { Button } from "@/components/ui/Button";
import { Card, CardHeader } from "@/components/ui/Card";
import { EmptyState } from "@/components/ui/EmptyState";
import { Field, FormMessage, Select, TextInput } from "@/components/ui/Form";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/Table";
import { isApiError } from "@/lib/ui/api-client";
import { fromDraft, limitsSummary, NO_LIMITS, toDraft } from "@/lib/ui/limits";
import { clientLabel, THINKING_POLICY_HELP, thinkingPolicySummary, type AppPolicyView } from "@/lib/ui/settings";
import { FormPanel, QueryBody, ReadOnlyNote } from "./common";
import { LimitsFields } from "./LimitsFields";
import { ThinkingPolicyFields } from "./ThinkingPolicyFields";
import { deleteApp, putApp, settingsKeys, useApps, useChange, useRoutesList } from "./useSettings";
import { Untrusted } from "@/components/ui/Untrusted";
import { showBidiControls } from "@/lib/ui/bidi";

/** App policies: what an app (thinkgate-app header) always gets, before any rule runs. */
export function AppsTab({ isAdmin }: { isAdmin: boolean }) {
  const apps = useApps();
  const routes = useRoutesList();
  const [editing, setEditing] = useState<AppPolicyView | "new" | null>(null);
  const remove = useChange(deleteApp, [settingsKeys.apps]);
  const routeName = (id: string | null) => (id ? (routes.data?.data.find((r) => r.id === id)?.name ?? id) : null);

  return (
    <Card>
      <CardHeader
        title="App policies"
        description="Requests carrying thinkgate-app: <name> follow their app's policy; “auto” leaves them to the rules and the classifier."
        actions={
          isAdmin ? (
            <Button size="sm" variant="primary" onClick={() => setEditing("new")}>
              Add app
            </Button>
          ) : null
        }
      />
      {!isAdmin ? <ReadOnlyNote>Only admins change app policies.</ReadOnlyNote> : null}
      <QueryBody query={apps} what="app policies">
        {(data) =>
          data.data.length === 0 ? (
            <EmptyState title="No app policies">Every app is routed by the rules and the classifier.</EmptyState>
          ) : (
            <Table>
              <THead>
                <TR>
                  <TH>App</TH>
                  <TH>Tier</TH>
                  <TH>Route</TH>
                  <TH>Limits</TH>
                  <TH>Client thinking</TH>
                  <TH>Client seen</TH>
                  <TH>Description</TH>
                  {isAdmin ? <TH align="right">Actions</TH> : null}
                </TR>
              </THead>
              <TBody>
                {data.data.map((a) => (
                  <TR key={a.name}>
                    <TD className="font-mono text-[11px] text-gray-900">{a.name}</TD>
                    <TD>
                      <Badge tone={a.tier === "auto" ? "neutral" : a.tier}>{a.tier}</Badge>
                    </TD>
                    <TD>{a.tier === "auto" ? "—" : (routeName(a.routeId) ?? `the ${a.tier} fallback`)}</TD>
                    <TD className="whitespace-nowrap">{limitsSummary(a.limits)}</TD>
                    <TD className="whitespace-nowrap" title={a.thinking ? THINKING_POLICY_HELP[a.thinking.policy] : undefined}>
                      {thinkingPolicySummary(a.thinking)}
                    </TD>
                    <TD className="max-w-[16rem] truncate" title={a.client ? showBidiControls(a.client.userAgent) : undefined}>
                      {a.client ? <Untrusted text={clientLabel(a.client.userAgent)} /> : "—"}
                    </TD>
                    <TD className="text-gray-600"><Untrusted text={a.description} /></TD>
                    {isAdmin ? (
                      <TD align="right" className="whitespace-nowrap">
                        <Button size="sm" onClick={() => setEditing(a)} aria-label={`Edit app ${a.name}`}>
                          Edit
                        </Button>{" "}
                        <Button size="sm" variant="danger" disabled={remove.isPending} onClick={() => remove.mutate(a.name)} aria-label={`Delete app ${a.name}`}>
                          Delete
                        </Button>
                      </TD>
                    ) : null}
                  </TR>
                ))}
              </TBody>
            </Table>
          )
        }
      </QueryBody>
      {remove.error ? (
        <div className="px-4 pb-3">
          <FormMessage tone="error">{isApiError(remove.error) ? remove.error.message : "Could not delete."}</FormMessage>
        </div>
      ) : null}
      {isAdmin && editing ? (
        <AppForm
          key={editing === "new" ? "new" : editing.name}
          initial={editing === "new" ? { name: "", tier: "reasoning", routeId: null, description: "", limits: NO_LIMITS, thinking: null } : editing}
          isNew={editing === "new"}
          routes={routes.data?.data ?? []}
          onDone={() => setEditing(null)}
        />
      ) : null}
    </Card>
  );
}

function AppForm({
  initial,
  isNew,
  routes,
  onDone,
}: {
  initial: AppPolicyView;
  isNew: boolean;
  routes: { id: string; name: string; tier: string }[];
  onDone: () => void;
}) {
  const [a, setA] = useState(initial);
  const [limits, setLimits] = useState(() => toDraft(initial.limits));
  const save = useChange(putApp, [settingsKeys.apps]);
  const usable = routes.filter((r) => r.tier === a.tier);

  function submit(e: FormEvent) {
    e.preventDefault();
    const { client: _seen, ...policy } = a;
    save.mutate({ ...policy, thinking: a.thinking ?? null, name: a.name.trim(), routeId: a.tier === "auto" ? null : a.routeId, limits: fromDraft(limits) }, { onSuccess: onDone });
  }

  return (
    <FormPanel title={isNew ? "New app policy" : `Edit app ${initial.name}`}>
      <form onSubmit={submit} className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <Field label="App name" hint="As sent in thinkgate-app.">
          {(c) => <TextInput {...c} value={a.name} readOnly={!isNew} onChange={(e) => setA({ ...a, name: e.target.value })} className="font-mono text-xs" required />}
        </Field>
        <Field label="Tier">
          {(c) => (
            <Select {...c} value={a.tier} onChange={(e) => setA({ ...a, tier: e.target.value as AppPolicyView["tier"], routeId: null })}>
              <option value="reasoning">always reasoning</option>
              <option value="standard">always standard</option>
              <option value="auto">auto (rules decide)</option>
            </Select>
          )}
        </Field>
        <Field label="Route" hint="Empty: the tier's fallback route.">
          {(c) => (
            <Select {...c} value={a.routeId ?? ""} disabled={a.tier === "auto"} onChange={(e) => setA({ ...a, routeId: e.target.value || null })}>
              <option value="">tier fallback</option>
              {usable.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field label="Description">{(c) => <TextInput {...c} value={a.description} onChange={(e) => setA({ ...a, description: e.target.value })} />}</Field>
        <LimitsFields value={limits} onChange={setLimits} />
        <ThinkingPolicyFields value={a.thinking ?? null} onChange={(thinking) => setA({ ...a, thinking })} allowInherit />
        <div className="flex flex-wrap items-center gap-2 sm:col-span-2 lg:col-span-4">
          <Button type="submit" variant="primary" disabled={save.isPending || !a.name.trim()}>
            {save.isPending ? "Saving…" : isNew ? "Create app policy" : "Save app policy"}
          </Button>
          <Button variant="ghost" onClick={onDone}>
            Cancel
          </Button>
          {save.error ? <FormMessage tone="error">{isApiError(save.error) ? save.error.message : "Could not save."}</FormMessage> : null}
        </div>
      </form>
    </FormPanel>
  );
}
