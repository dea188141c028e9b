"use client";

import { useEffect, useRef, useState, type MouseEvent, type ReactNode } from "react";
import { ErrorState } from "@/components/ui/ErrorState";
import { Spinner } from "@/components/ui/Spinner";

/** Loading, error and content for one query, the same way on every tab. */
export function QueryBody<T>({
  query,
  what,
  children,
}: {
  query: { data: T | undefined; error: unknown; isPending: boolean; refetch: () => unknown };
  what: string;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) {
    return (
      <div className="flex items-center gap-2 px-4 py-10 text-sm text-gray-500">
        <Spinner label={`Loading ${what}`} /> Loading {what}…
      </div>
    );
  }
  if (query.data === undefined) {
    return <ErrorState title={`Could not load ${what}`} error={query.error} onRetry={() => void query.refetch()} />;
  }
  return <>{children(query.data)}</>;
}

/** The fields a panel's focus may start in: the first one that can be typed into or chosen from. */
const FIRST_FIELD = "input:not([type=hidden]):not(:disabled):not([readonly]), select:not(:disabled), textarea:not(:disabled):not([readonly])";

/**
 * A form laid out as a panel under a table (add / edit). Panels open when
 * asked for ("Create key", "Edit"), so on opening the focus moves to the
 * first field, where the keyboard and a screen reader expect to go on.
 */
export function FormPanel({ title, children }: { title: ReactNode; children: ReactNode }) {
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    panel.current?.querySelector<HTMLElement>(FIRST_FIELD)?.focus();
  }, []);
  return (
    <div ref={panel} className="border-t border-gray-100 bg-gray-50/60 px-4 py-4">
      <h3 className="mb-3 text-sm font-semibold text-gray-900">{title}</h3>
      {children}
    </div>
  );
}

export function ReadOnlyNote({ children }: { children: ReactNode }) {
  return <p className="px-4 pt-3 text-xs text-gray-500">{children}</p>;
}

/** What useFormKey gives a form: the events that mark an edit, and the mark of a save. */
export interface FormEdits {
  /** Spread on the <form>: a change in any field, or a switch flipped, is an edit. */
  formProps: { onChange: () => void; onClick: (e: MouseEvent<HTMLFormElement>) => void };
  /** Call as a save is sent; run what it returns when that save succeeded: the edits made until then are saved. */
  saving: () => () => void;
}

/**
 * The key a form that edits server data remounts on, so that it shows what
 * the server holds: a new key whenever the data changes, except while the
 * form has an edit not yet saved, or has just saved and the data read after
 * that save has not come yet. Keyed on the data alone, a refetch that landed
 * while someone typed (after their own save, or after another form saved the
 * same settings) remounted the form and threw the typing away; the next Save
 * then sent the old values and said "Saved.". Released as soon as a save
 * succeeded, it remounted with the data read before the save and showed the
 * old values until the refetch came.
 *
 * The first data read after the form's own save is what the form already
 * shows (it was just saved), so it is taken as the form's without a remount:
 * a remount then replaced every field under the cursor of someone who had
 * clicked into one right after saving, and what they typed next went nowhere.
 *
 * `select` picks the part of the data the form shows.
 */
export function useFormKey<T>(query: { data: T | undefined; dataUpdatedAt: number }, select: (data: T) => unknown = (d) => d): { key: string } & FormEdits {
  const current = JSON.stringify(query.data === undefined ? null : select(query.data));
  // edits: edits made; saved: how many of them a successful save sent, and when it succeeded;
  // basis: the data the form shows; mount: its key; adopt: the next data read is the form's own save's.
  const [s, set] = useState({ edits: 0, saved: 0, savedAt: 0, basis: current, mount: 0, adopt: false });
  const holding = s.edits > s.saved || query.dataUpdatedAt < s.savedAt;
  if (!holding && (s.basis !== current || s.adopt)) {
    // Derived from the query during render, as React allows for state that follows a prop: it settles in one pass.
    set({ ...s, basis: current, adopt: false, mount: s.adopt || s.basis === current ? s.mount : s.mount + 1 });
  }
  const edited = () => set((p) => ({ ...p, edits: p.edits + 1 }));
  return {
    key: String(s.mount),
    formProps: {
      onChange: edited,
      // Switches are buttons (components/ui/Form.tsx): a click on one is an edit, a click on Save is not.
      onClick: (e) => {
        if ((e.target as Element).closest('[role="switch"]')) edited();
      },
    },
    saving: () => {
      const through = s.edits;
      return () => set((p) => ({ ...p, saved: Math.max(p.saved, through), savedAt: Date.now(), adopt: true }));
    },
  };
}
