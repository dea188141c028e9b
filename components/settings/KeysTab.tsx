"use client";

import { useState, type FormEvent } from "react";
import { Badge } from "@/components/ui/Badge";
import { Button } from "@/components/ui/Button";
import { Card, CardHeader } from "@/components/ui/Card";
import { CopyButton } from "@/components/ui/CopyButton";
import { EmptyState } from "@/components/ui/EmptyState";
import { Field, FormMessage, Select, TextInput } from "@/components/ui/Form";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/Table";
import { isApiError } from "@/lib/ui/api-client";
import { formatRelativeTime, formatTimestamp } from "@/lib/ui/format";
import { appsSummary, clientLabel, parseAppList, THINKING_POLICY_HELP, thinkingPolicySummary, type KeyView, type ThinkingPolicyView } from "@/lib/ui/settings";
import { fromDraft, limitsSummary, toDraft } from "@/lib/ui/limits";
import { FormPanel, QueryBody } from "./common";
import { LimitsFields } from "./LimitsFields";
import { ThinkingPolicyFields } from "./ThinkingPolicyFields";
import { createKey, revokeKey, setKeyApps, setKeyLimits, setKeyThinking, settingsKeys, useChange, useKeys } from "./useSettings";
import { Untrusted } from "@/components/ui/Untrusted";
import { showBidiControls } from "@/lib/ui/bidi";

const APPS_HELP =
  "Apps (thinkgate-app) this key may be used for, comma-separated; a request naming another gets a 403, one naming none counts for the first. Empty: any app.";

const ROLE_HELP: Record<KeyView["role"], string> = {
  gateway: "calls the gateway only",
  viewer: "also reads traces, costs and settings",
  editor: "also changes rules",
  admin: "also manages keys, prices, routes and users",
};

/** Gateway keys for programs: created with a role, the secret shown once, revoked when no longer needed. */
export function KeysTab() {
  const keys = useKeys();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<(KeyView & { secret: string }) | null>(null);
  const [confirm, setConfirm] = useState<string | null>(null);
  const revoke = useChange(revokeKey, [settingsKeys.keys]);
  const [limiting, setLimiting] = useState<KeyView | null>(null);
  const [thinking, setThinking] = useState<KeyView | null>(null);
  const [binding, setBinding] = useState<KeyView | null>(null);

  return (
    <Card>
      <CardHeader
        title="Gateway keys"
        description="Programs authenticate with a key (x-api-key or Bearer). Only a hash is stored: a secret is shown once, when its key is created."
        actions={
          <Button size="sm" variant="primary" onClick={() => {
            setCreating(true);
            setCreated(null);
          }}>
            Create key
          </Button>
        }
      />
      {created ? (
        <div role="status" className="border-b border-emerald-200 bg-emerald-50 px-4 py-3">
          <p className="text-sm font-medium text-emerald-900">Key “<Untrusted text={created.name} />” created. Copy its secret now: it will not be shown again.</p>
          <div className="mt-2 flex flex-wrap items-center gap-2">
            <code aria-label="New key secret" className="min-w-0 flex-1 basis-64 truncate rounded bg-white px-2 py-1.5 font-mono text-xs text-gray-900 ring-1 ring-emerald-200">
              {created.secret}
            </code>
            <CopyButton value={created.secret} label="Copy secret" />
            <Button size="sm" variant="ghost" onClick={() => setCreated(null)}>
              Done
            </Button>
          </div>
        </div>
      ) : null}
      {creating ? (
        <CreateKeyForm
          onCreated={(k) => {
            setCreated(k);
            setCreating(false);
          }}
          onCancel={() => setCreating(false)}
        />
      ) : null}
      {limiting ? <KeyLimitsForm key={limiting.id} keyView={limiting} onDone={() => setLimiting(null)} /> : null}
      {thinking ? <KeyThinkingForm key={thinking.id} keyView={thinking} onDone={() => setThinking(null)} /> : null}
      {binding ? <KeyAppsForm key={binding.id} keyView={binding} onDone={() => setBinding(null)} /> : null}
      <QueryBody query={keys} what="keys">
        {(data) =>
          data.data.length === 0 ? (
            <EmptyState title="No keys">Create a key for each program that calls the gateway.</EmptyState>
          ) : (
            <Table>
              <THead>
                <TR>
                  <TH>Name</TH>
                  <TH>Key</TH>
                  <TH>Role</TH>
                  <TH>Created</TH>
                  <TH>Last used</TH>
                  <TH>Apps</TH>
                  <TH>Limits</TH>
                  <TH>Client thinking</TH>
                  <TH>Client seen</TH>
                  <TH>Status</TH>
                  <TH align="right">Actions</TH>
                </TR>
              </THead>
              <TBody>
                {data.data.map((k) => (
                  <TR key={k.id} className={k.revokedAt ? "text-gray-400" : undefined}>
                    <TD className="font-medium text-gray-900"><Untrusted text={k.name} /></TD>
                    <TD className="font-mono text-[11px]">{k.prefix}…</TD>
                    <TD>
                      <Badge title={ROLE_HELP[k.role]}>{k.role}</Badge>
                    </TD>
                    <TD className="whitespace-nowrap" title={formatTimestamp(k.createdAt)}>
                      {formatRelativeTime(k.createdAt)}
                    </TD>
                    <TD className="whitespace-nowrap">{k.lastUsedAt ? formatRelativeTime(k.lastUsedAt) : "never"}</TD>
                    <TD className="max-w-[12rem] truncate" title={k.apps ? `May be used only for ${k.apps.join(", ")}; no thinkgate-app header: ${k.apps[0]}` : "Any app the client names"}>
                      {appsSummary(k.apps)}
                    </TD>
                    <TD className="whitespace-nowrap">{limitsSummary(k.limits)}</TD>
                    <TD className="whitespace-nowrap">
                      <Badge title={THINKING_POLICY_HELP[k.thinking.policy]}>{thinkingPolicySummary(k.thinking)}</Badge>
                    </TD>
                    <TD className="max-w-[16rem] truncate" title={k.client ? `${showBidiControls(k.client.userAgent)} · ${formatTimestamp(k.client.at)}` : undefined}>
                      {k.client ? <Untrusted text={clientLabel(k.client.userAgent)} /> : "—"}
                    </TD>
                    <TD>{k.revokedAt ? <Badge tone="danger">revoked</Badge> : <Badge tone="success">active</Badge>}</TD>
                    <TD align="right" className="whitespace-nowrap">
                      {k.revokedAt ? null : confirm === k.id ? (
                        <>
                          <Button size="sm" variant="danger" disabled={revoke.isPending} onClick={() => revoke.mutate(k.id, { onSettled: () => setConfirm(null) })}>
                            Confirm revoke
                          </Button>{" "}
                          <Button size="sm" variant="ghost" onClick={() => setConfirm(null)}>
                            Cancel
                          </Button>
                        </>
                      ) : (
                        <>
                          <Button size="sm" onClick={() => setLimiting(k)} aria-label={`Edit limits of key ${k.name}`}>
                            Limits
                          </Button>{" "}
                          <Button size="sm" onClick={() => setThinking(k)} aria-label={`Edit client thinking of key ${k.name}`}>
                            Thinking
                          </Button>{" "}
                          <Button size="sm" onClick={() => setBinding(k)} aria-label={`Edit apps of key ${k.name}`}>
                            Apps
                          </Button>{" "}
                          <Button size="sm" variant="danger" onClick={() => setConfirm(k.id)} aria-label={`Revoke key ${k.name}`}>
                            Revoke
                          </Button>
                        </>
                      )}
                    </TD>
                  </TR>
                ))}
              </TBody>
            </Table>
          )
        }
      </QueryBody>
      {revoke.error ? (
        <div className="px-4 pb-3">
          <FormMessage tone="error">{isApiError(revoke.error) ? revoke.error.message : "Could not revoke the key."}</FormMessage>
        </div>
      ) : null}
    </Card>
  );
}

/** A key's rpm and daily budget; every instance applies a change to the key's next request. */
function KeyLimitsForm({ keyView, onDone }: { keyView: KeyView; onDone: () => void }) {
  const [limits, setLimits] = useState(() => toDraft(keyView.limits));
  const save = useChange(setKeyLimits, [settingsKeys.keys]);

  function submit(e: FormEvent) {
    e.preventDefault();
    save.mutate({ id: keyView.id, limits: fromDraft(limits) }, { onSuccess: onDone });
  }

  return (
    <FormPanel title={<>Limits of key <Untrusted text={keyView.name} /></>}>
      <form onSubmit={submit} className="grid gap-3 sm:grid-cols-3">
        <LimitsFields value={limits} onChange={setLimits} />
        <div className="flex flex-wrap items-center gap-2 sm:col-span-3">
          <Button type="submit" variant="primary" disabled={save.isPending}>
            {save.isPending ? "Saving…" : "Save limits"}
          </Button>
          <Button variant="ghost" onClick={onDone}>
            Cancel
          </Button>
          {save.error ? <FormMessage tone="error">{isApiError(save.error) ? save.error.message : "Could not save the limits."}</FormMessage> : null}
        </div>
      </form>
    </FormPanel>
  );
}

/** What the gateway does with thinking the key's clients send. */
function KeyThinkingForm({ keyView, onDone }: { keyView: KeyView; onDone: () => void }) {
  const [policy, setPolicy] = useState<ThinkingPolicyView>(keyView.thinking);
  const save = useChange(setKeyThinking, [settingsKeys.keys]);

  function submit(e: FormEvent) {
    e.preventDefault();
    save.mutate({ id: keyView.id, thinking: policy }, { onSuccess: onDone });
  }

  return (
    <FormPanel title={<>Client thinking of key <Untrusted text={keyView.name} /></>}>
      <form onSubmit={submit} className="grid gap-3 sm:grid-cols-2">
        <ThinkingPolicyFields value={policy} onChange={(v) => v && setPolicy(v)} />
        <div className="flex flex-wrap items-center gap-2 sm:col-span-2">
          <Button type="submit" variant="primary" disabled={save.isPending}>
            {save.isPending ? "Saving…" : "Save policy"}
          </Button>
          <Button variant="ghost" onClick={onDone}>
            Cancel
          </Button>
          {save.error ? <FormMessage tone="error">{isApiError(save.error) ? save.error.message : "Could not save the policy."}</FormMessage> : null}
        </div>
      </form>
    </FormPanel>
  );
}

/** The apps the key may be used for; every instance applies a change to the key's next request. */
function KeyAppsForm({ keyView, onDone }: { keyView: KeyView; onDone: () => void }) {
  const [apps, setApps] = useState(() => (keyView.apps ?? []).join(", "));
  const save = useChange(setKeyApps, [settingsKeys.keys]);

  function submit(e: FormEvent) {
    e.preventDefault();
    save.mutate({ id: keyView.id, apps: parseAppList(apps) }, { onSuccess: onDone });
  }

  return (
    <FormPanel title={<>Apps of key <Untrusted text={keyView.name} /></>}>
      <form onSubmit={submit} className="grid gap-3">
        <Field label="Apps" hint={APPS_HELP}>
          {(c) => <TextInput {...c} value={apps} onChange={(e) => setApps(e.target.value)} placeholder="any app" />}
        </Field>
        <div className="flex flex-wrap items-center gap-2">
          <Button type="submit" variant="primary" disabled={save.isPending}>
            {save.isPending ? "Saving…" : "Save apps"}
          </Button>
          <Button variant="ghost" onClick={onDone}>
            Cancel
          </Button>
          {save.error ? <FormMessage tone="error">{isApiError(save.error) ? save.error.message : "Could not save the apps."}</FormMessage> : null}
        </div>
      </form>
    </FormPanel>
  );
}

function CreateKeyForm({ onCreated, onCancel }: { onCreated: (k: KeyView & { secret: string }) => void; onCancel: () => void }) {
  const [name, setName] = useState("");
  const [role, setRole] = useState<KeyView["role"]>("gateway");
  const [apps, setApps] = useState("");
  const create = useChange(createKey, [settingsKeys.keys]);

  function submit(e: FormEvent) {
    e.preventDefault();
    create.mutate({ name: name.trim(), role, apps: parseAppList(apps) }, { onSuccess: onCreated });
  }

  return (
    <FormPanel title="New key">
      <form onSubmit={submit} className="grid gap-3 sm:grid-cols-[minmax(0,1fr)_minmax(0,1fr)_minmax(0,1fr)_auto] sm:items-end">
        <Field label="Key name" hint="Who or what uses it, e.g. billing-service.">
          {(c) => <TextInput {...c} value={name} onChange={(e) => setName(e.target.value)} maxLength={100} required />}
        </Field>
        <Field label="Role" hint={ROLE_HELP[role]}>
          {(c) => (
            <Select {...c} value={role} onChange={(e) => setRole(e.target.value as KeyView["role"])}>
              <option value="gateway">gateway</option>
              <option value="viewer">viewer</option>
              <option value="editor">editor</option>
              <option value="admin">admin</option>
            </Select>
          )}
        </Field>
        <Field label="Apps" hint="Empty: any app. Else only these (thinkgate-app), the first by default.">
          {(c) => <TextInput {...c} value={apps} onChange={(e) => setApps(e.target.value)} placeholder="any app" />}
        </Field>
        <div className="flex gap-2 sm:pb-5">
          <Button type="submit" variant="primary" disabled={create.isPending || !name.trim()}>
            {create.isPending ? "Creating…" : "Create"}
          </Button>
          <Button variant="ghost" onClick={onCancel}>
            Cancel
          </Button>
        </div>
        {create.error ? (
          <div className="sm:col-span-4">
            <FormMessage tone="error">{isApiError(create.error) ? create.error.message : "Could not create the key."}</FormMessage>
          </div>
        ) : null}
      </form>
    </FormPanel>
  );
}
