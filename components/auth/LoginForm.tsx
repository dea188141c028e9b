"use client";

import Link from "next/link";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/Button";
import { Card } from "@/components/ui/Card";
import { Field, FormMessage, TextInput } from "@/components/ui/Form";
import { apiFetch, isApiError } from "@/lib/ui/api-client";

/** Email and password → session cookie, then a full load of `next` so server-rendered pages see the session. */
export function LoginForm({ next }: { next: string }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await apiFetch("/api/auth/login", { key: null, body: { email, password } });
      window.location.assign(next);
    } catch (err) {
      setError(isApiError(err) ? err.message : "Could not sign in.");
      setBusy(false);
    }
  }

  return (
    <AuthCard title="Sign in to thinkgate" subtitle="Use the account an admin created for you.">
      <form onSubmit={submit} className="space-y-4" noValidate>
        <Field label="Email">
          {(c) => <TextInput {...c} type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} required />}
        </Field>
        <Field label="Password">
          {(c) => <TextInput {...c} type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />}
        </Field>
        {error ? <FormMessage tone="error">{error}</FormMessage> : null}
        <Button type="submit" variant="primary" className="w-full" disabled={busy || !email || !password}>
          {busy ? "Signing in…" : "Sign in"}
        </Button>
      </form>
      <p className="mt-4 text-xs text-gray-500">
        Calling the API from code? Programs use a gateway key instead; paste one on the{" "}
        <Link href="/" className="text-accent-700 underline underline-offset-2">
          home page
        </Link>
        .
      </p>
    </AuthCard>
  );
}

export function AuthCard({ title, subtitle, children }: { title: string; subtitle: string; children: React.ReactNode }) {
  return (
    <div className="mx-auto w-full max-w-sm pt-4 sm:pt-10">
      <Card className="px-5 py-6">
        <h1 className="text-lg font-semibold tracking-tight text-gray-900">{title}</h1>
        <p className="mt-1 mb-5 text-sm text-gray-600">{subtitle}</p>
        {children}
      </Card>
    </div>
  );
}
