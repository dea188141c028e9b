"use client";

import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/Button";
import { Field, FormMessage, TextInput } from "@/components/ui/Form";
import { apiFetch, isApiError } from "@/lib/ui/api-client";
import { AuthCard } from "./LoginForm";

const MIN = 10;

/** First run: the first visitor creates the admin account (the server allows it only while no user exists). */
export function SetupForm() {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const mismatch = confirm.length > 0 && confirm !== password;
  const tooShort = password.length > 0 && password.length < MIN;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (mismatch || tooShort) return;
    setBusy(true);
    setError(null);
    try {
      await apiFetch("/api/auth/setup", { key: null, body: { email, password } });
      window.location.assign("/settings");
    } catch (err) {
      setError(isApiError(err) ? err.message : "Could not create the account.");
      setBusy(false);
    }
  }

  return (
    <AuthCard title="Create the admin account" subtitle="No one has signed in to this thinkgate yet. The first account is the admin; it can invite everyone else.">
      <form onSubmit={submit} className="space-y-4" noValidate>
        <Field label="Email">
          {(c) => <TextInput {...c} type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} required />}
        </Field>
        <Field label="Password" hint={`At least ${MIN} characters.`} error={tooShort ? `Use at least ${MIN} characters.` : null}>
          {(c) => <TextInput {...c} type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} required />}
        </Field>
        <Field label="Confirm password" error={mismatch ? "The passwords differ." : null}>
          {(c) => <TextInput {...c} type="password" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} required />}
        </Field>
        {error ? <FormMessage tone="error">{error}</FormMessage> : null}
        <Button type="submit" variant="primary" className="w-full" disabled={busy || !email || !password || !confirm || mismatch || tooShort}>
          {busy ? "Creating…" : "Create admin account"}
        </Button>
      </form>
    </AuthCard>
  );
}
