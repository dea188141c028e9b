"use client";

import { useId, useState, type FormEvent } from "react";
import { Button } from "@/components/ui/Button";
import { maskGatewayKey, normalizeGatewayKey } from "@/lib/ui/gateway-key";

/**
 * Where the user pastes their gateway key. Saving is explicit (a button or
 * Enter) so a half-typed key never reaches the API and flashes a 401.
 */
export function KeyField({
  savedKey,
  onSave,
  revealed,
  onToggleReveal,
}: {
  savedKey: string | null;
  onSave: (key: string | null) => void;
  revealed: boolean;
  onToggleReveal: () => void;
}) {
  const inputId = useId();
  const helpId = useId();
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState("");

  const showForm = !savedKey || editing;

  function submit(e: FormEvent) {
    e.preventDefault();
    const key = normalizeGatewayKey(draft);
    if (!key) return;
    onSave(key);
    setDraft("");
    setEditing(false);
  }

  return (
    <div>
      {showForm ? (
        <label htmlFor={inputId} className="text-sm font-medium text-gray-900">
          Gateway key
        </label>
      ) : (
        <p className="text-sm font-medium text-gray-900">Gateway key</p>
      )}
      <p id={helpId} className="mt-0.5 text-xs text-gray-500">
        The key was printed once in the terminal when thinkgate first started. It is kept only in this browser&apos;s
        localStorage.
      </p>
      {showForm ? (
        <form onSubmit={submit} className="mt-2 flex flex-wrap items-center gap-2">
          <input
            id={inputId}
            name="thinkgate-gateway-key"
            type={revealed ? "text" : "password"}
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            placeholder="tg_…"
            aria-describedby={helpId}
            autoComplete="off"
            autoCapitalize="off"
            autoCorrect="off"
            spellCheck={false}
            className="h-8 min-w-0 flex-1 basis-64 rounded-md border-0 bg-white px-2.5 font-mono text-sm text-gray-900 shadow-xs ring-1 ring-gray-300 ring-inset placeholder:text-gray-400 focus:ring-2 focus:ring-accent-600 focus:outline-none"
          />
          <Button type="submit" variant="primary" disabled={!normalizeGatewayKey(draft)}>
            Save key
          </Button>
          <Button variant="ghost" onClick={onToggleReveal} aria-pressed={revealed}>
            {revealed ? "Hide" : "Show"}
          </Button>
          {savedKey ? (
            <Button
              variant="ghost"
              onClick={() => {
                setDraft("");
                setEditing(false);
              }}
            >
              Cancel
            </Button>
          ) : null}
        </form>
      ) : (
        <div className="mt-2 flex flex-wrap items-center gap-2">
          <code
            aria-label={revealed ? "Saved gateway key" : "Saved gateway key, masked"}
            className="flex h-8 min-w-0 flex-1 basis-64 items-center truncate rounded-md bg-gray-50 px-2.5 text-sm text-gray-900 ring-1 ring-gray-200 ring-inset"
          >
            {revealed ? savedKey : maskGatewayKey(savedKey)}
          </code>
          <Button variant="ghost" onClick={onToggleReveal} aria-pressed={revealed}>
            {revealed ? "Hide" : "Reveal"}
          </Button>
          <Button onClick={() => setEditing(true)}>Change</Button>
          <Button variant="danger" onClick={() => onSave(null)} title="Remove the key from this browser">
            Forget
          </Button>
        </div>
      )}
    </div>
  );
}
