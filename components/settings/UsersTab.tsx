"use client";

import { useState, type FormEvent } from "react";
import { Badge } from "@/components/ui/Badge";
import { Button } from "@/components/ui/Button";
import { Card, CardHeader } from "@/components/ui/Card";
import { EmptyState } from "@/components/ui/EmptyState";
import { Field, FormMessage, Select, TextInput } from "@/components/ui/Form";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/Table";
import { Untrusted } from "@/components/ui/Untrusted";
import { isApiError } from "@/lib/ui/api-client";
import { formatRelativeTime } from "@/lib/ui/format";
import type { UserView } from "@/lib/ui/settings";
import { FormPanel, QueryBody } from "./common";
import { createUser, endUserSessions, patchUser, settingsKeys, useChange, useUsers } from "./useSettings";

const ROLES: UserView["role"][] = ["viewer", "editor", "admin"];

/**
 * People who sign in: invite with a role, change it, disable an account, or
 * end its sessions (signs it out of every browser). A role change or a
 * disabled account ends its sessions too.
 */
export function UsersTab({ selfId }: { selfId: string }) {
  const users = useUsers();
  const [adding, setAdding] = useState(false);
  const patch = useChange(patchUser, [settingsKeys.users]);
  const end = useChange(endUserSessions, [settingsKeys.users]);
  const busy = patch.isPending || end.isPending;
  const failed = patch.error ?? end.error;

  return (
    <Card>
      <CardHeader
        title="Users"
        description="Viewers read; editors also change rules; admins also manage keys, prices, routes and users."
        actions={
          <Button size="sm" variant="primary" onClick={() => setAdding(true)}>
            Add user
          </Button>
        }
      />
      {adding ? <AddUserForm onDone={() => setAdding(false)} /> : null}
      {failed ? (
        <div className="px-4 pt-3">
          <FormMessage tone="error">{isApiError(failed) ? failed.message : "Could not change the user."}</FormMessage>
        </div>
      ) : null}
      <QueryBody query={users} what="users">
        {(data) =>
          data.data.length === 0 ? (
            <EmptyState title="No users" />
          ) : (
            <Table>
              <THead>
                <TR>
                  <TH>Email</TH>
                  <TH>Role</TH>
                  <TH>Status</TH>
                  <TH>Last sign-in</TH>
                  <TH align="right">Sessions</TH>
                  <TH align="right">Actions</TH>
                </TR>
              </THead>
              <TBody>
                {data.data.map((u) => (
                  <TR key={u.id}>
                    <TD className="font-medium text-gray-900">
                      <Untrusted text={u.email} /> {u.id === selfId ? <span className="font-normal text-gray-500">(you)</span> : null}
                    </TD>
                    <TD>
                      <div className="w-28">
                      <Select
                        aria-label={`Role of ${u.email}`}
                        value={u.role}
                        disabled={busy}
                        onChange={(e) => patch.mutate({ id: u.id, role: e.target.value })}
                        className="h-7 text-xs"
                      >
                        {ROLES.map((r) => (
                          <option key={r} value={r}>
                            {r}
                          </option>
                        ))}
                      </Select>
                      </div>
                    </TD>
                    <TD>{u.disabledAt ? <Badge tone="danger">disabled</Badge> : <Badge tone="success">active</Badge>}</TD>
                    <TD className="whitespace-nowrap">{u.lastLoginAt ? formatRelativeTime(u.lastLoginAt) : "never"}</TD>
                    <TD align="right" className="tabular-nums">
                      {u.sessions}
                    </TD>
                    <TD align="right" className="whitespace-nowrap">
                      <Button
                        size="sm"
                        variant="secondary"
                        className="mr-2"
                        disabled={busy || u.sessions === 0}
                        // Your own sessions include this one: once they end, this browser is signed out too.
                        onClick={() => end.mutate(u.id, { onSuccess: () => (u.id === selfId ? window.location.assign("/login") : undefined) })}
                        aria-label={`End sessions of ${u.email}`}
                        title={u.id === selfId ? "Signs you out of every browser, this one too" : "Signs them out of every browser"}
                      >
                        End sessions
                      </Button>
                      <Button
                        size="sm"
                        variant={u.disabledAt ? "secondary" : "danger"}
                        disabled={busy}
                        onClick={() => patch.mutate({ id: u.id, disabled: !u.disabledAt })}
                        aria-label={`${u.disabledAt ? "Enable" : "Disable"} ${u.email}`}
                      >
                        {u.disabledAt ? "Enable" : "Disable"}
                      </Button>
                    </TD>
                  </TR>
                ))}
              </TBody>
            </Table>
          )
        }
      </QueryBody>
    </Card>
  );
}

function AddUserForm({ onDone }: { onDone: () => void }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [role, setRole] = useState<UserView["role"]>("viewer");
  const create = useChange(createUser, [settingsKeys.users]);

  function submit(e: FormEvent) {
    e.preventDefault();
    create.mutate({ email: email.trim(), password, role }, { onSuccess: onDone });
  }

  return (
    <FormPanel title="New user">
      <form onSubmit={submit} className="grid gap-3 sm:grid-cols-2 lg:grid-cols-[minmax(0,1fr)_minmax(0,1fr)_10rem_auto] lg:items-end">
        <Field label="Email">{(c) => <TextInput {...c} type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="off" required />}</Field>
        <Field label="Initial password" hint="At least 10 characters; share it with them privately.">
          {(c) => <TextInput {...c} type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" required />}
        </Field>
        <Field label="Role">
          {(c) => (
            <Select {...c} value={role} onChange={(e) => setRole(e.target.value as UserView["role"])}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <div className="flex gap-2 lg:pb-5">
          <Button type="submit" variant="primary" disabled={create.isPending || !email || !password}>
            {create.isPending ? "Adding…" : "Add user"}
          </Button>
          <Button variant="ghost" onClick={onDone}>
            Cancel
          </Button>
        </div>
        {create.error ? (
          <div className="sm:col-span-2 lg:col-span-4">
            <FormMessage tone="error">{isApiError(create.error) ? create.error.message : "Could not add the user."}</FormMessage>
          </div>
        ) : null}
      </form>
    </FormPanel>
  );
}
