"use client";

import { useState, type FormEvent } from "react";
import { AuthCard } from "@/components/auth/LoginForm";
import { Button } from "@/components/ui/Button";
import { Field, FormMessage, TextInput } from "@/components/ui/Form";
import { apiFetch, isApiError } from "@/lib/ui/api-client";

/**
 * The signed-in user's own account: a new password (every other browser is
 * signed out; this one gets a fresh session) and "sign out everywhere".
 */
export function AccountForm({ email }: { email: string }) {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [message, setMessage] = useState<{ tone: "error" | "success"; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  async function changePassword(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setMessage(null);
    try {
      await apiFetch("/api/auth/password", { key: null, body: { currentPassword: current, newPassword: next } });
      setCurrent("");
      setNext("");
      setMessage({ tone: "success", text: "Password changed. Every other browser signed in as you has been signed out." });
    } catch (err) {
      setMessage({ tone: "error", text: isApiError(err) ? err.message : "Could not change the password." });
    } finally {
      setBusy(false);
    }
  }

  async function signOutEverywhere() {
    setBusy(true);
    try {
      await apiFetch("/api/auth/sessions", { key: null, method: "DELETE" });
    } finally {
      // A full load: every page and cache forgets the user at once.
      window.location.assign("/login");
    }
  }

  return (
    <AuthCard title="Your account" subtitle={`Signed in as ${email}.`}>
      <form onSubmit={changePassword} className="space-y-4" noValidate>
        <Field label="Current password">
          {(c) => <TextInput {...c} type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} required />}
        </Field>
        <Field label="New password">
          {(c) => <TextInput {...c} type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} required />}
        </Field>
        {message ? <FormMessage tone={message.tone}>{message.text}</FormMessage> : null}
        <Button type="submit" variant="primary" className="w-full" disabled={busy || !current || !next}>
          {busy ? "Saving…" : "Change password"}
        </Button>
      </form>
      <div className="mt-6 border-t border-gray-100 pt-4">
        <p className="mb-2 text-xs text-gray-600">Lost a laptop or signed in on a shared screen? End every session of your account, this one included.</p>
        <Button variant="secondary" className="w-full" onClick={() => void signOutEverywhere()} disabled={busy}>
          Sign out everywhere
        </Button>
      </div>
    </AuthCard>
  );
}
