"use client";

import type { ReactNode } from "react";
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

/** A form laid out as a panel under a table (add / edit). */
export function FormPanel({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="border-t border-gray-100 bg-gray-50/60 px-4 py-4">
      <h3 className="mb-3 text-sm font-semibold text-gray-900">{title}</h3>
      {children}
    </div>
  );
}

export function ReadOnlyNote({ children }: { children: ReactNode }) {
  return <p className="px-4 pt-3 text-xs text-gray-500">{children}</p>;
}
