"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/Button";
import { Card, CardBody, CardHeader } from "@/components/ui/Card";
import { ErrorState } from "@/components/ui/ErrorState";
import { Field, FormMessage, Select, TextArea, TextInput } from "@/components/ui/Form";
import { Spinner } from "@/components/ui/Spinner";
import { Untrusted } from "@/components/ui/Untrusted";
import { apiFetch } from "@/lib/ui/api-client";
import { showBidiControls } from "@/lib/ui/bidi";
import type { SetSummary } from "./types";

/** The same key and answer as the calibration lab's set list, so adding here refreshes its item counts. */
const setsQueryKey = ["calibration", "sets"] as const;

const items = (n: number) => `${n} item${n === 1 ? "" : "s"}`;

/**
 * Where the new item comes from, in the forms POST /api/calibration/sets/:id/items
 * accepts: a stored request (the server reads its prompt and system prompt from
 * the record), or a playground run (the prompt as typed, since the run's
 * record may hold a different or no prompt text).
 */
export type AddToSetSource = { kind: "request"; requestId: string } | { kind: "playground"; prompt: string; system?: string };

/**
 * "Add to calibration set": pick an evaluation set, confirm the expected answer
 * and an optional category, and append one item. Used by the trace page and the
 * playground; shown to editors and admins only (the API refuses viewers).
 */
export function AddToSetForm({ source, defaultExpected, expectedHint }: { source: AddToSetSource; defaultExpected?: string | null; expectedHint?: string }) {
  const qc = useQueryClient();
  const sets = useQuery({ queryKey: setsQueryKey, queryFn: ({ signal }) => apiFetch<{ data: SetSummary[] }>("/api/calibration/sets", { signal }) });
  const [setId, setSetId] = useState("");
  const [expected, setExpected] = useState(defaultExpected ?? "");
  const [category, setCategory] = useState("");
  const list = sets.data?.data ?? [];
  const chosen = list.find((s) => s.id === setId) ?? list[0];

  const add = useMutation({
    mutationFn: (v: { set: SetSummary; expected: string; category: string }) => {
      const cat = v.category.trim() ? { category: v.category.trim() } : {};
      const body =
        source.kind === "request"
          ? { fromRequests: [{ requestId: source.requestId, expected: v.expected, ...cat }] }
          : { fromPlayground: { prompt: source.prompt, expected: v.expected, ...cat, ...(source.system?.trim() ? { system: source.system } : {}) } };
      return apiFetch<{ added: number; items: number }>(`/api/calibration/sets/${encodeURIComponent(v.set.id)}/items`, { body });
    },
    onSuccess: () => void qc.invalidateQueries({ queryKey: setsQueryKey }),
  });

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!chosen || !expected.trim()) return;
    add.mutate({ set: chosen, expected, category });
  }
  // A message about the last submit no longer describes the form once it is edited.
  const edited = () => {
    if (!add.isPending) add.reset();
  };

  return (
    <Card>
      <CardHeader title="Add to calibration set" description="Make this prompt an evaluation item, with the answer it should give." />
      <CardBody>
        {sets.isError ? (
          <ErrorState className="py-2" title="Could not load the evaluation sets" error={sets.error} onRetry={() => void sets.refetch()} />
        ) : !sets.data ? (
          <p className="flex items-center gap-2 text-sm text-gray-500"><Spinner label="Loading the evaluation sets" /> Loading the sets…</p>
        ) : list.length === 0 ? (
          <p className="text-sm text-gray-600">
            No evaluation sets yet. <Link href="/calibration" className="text-accent-700 underline underline-offset-2">Create one in the calibration lab</Link>, then add items here.
          </p>
        ) : (
          <form onSubmit={submit} className="space-y-3" aria-label="Add to calibration set">
            <Field label="Evaluation set">
              {(p) => (
                <Select
                  {...p}
                  value={chosen?.id ?? ""}
                  onChange={(e) => {
                    setSetId(e.target.value);
                    edited();
                  }}
                >
                  {list.map((s) => (
                    <option key={s.id} value={s.id}>
                      {showBidiControls(s.name)} ({items(s.items)})
                    </option>
                  ))}
                </Select>
              )}
            </Field>
            <Field label="Expected answer" hint={expectedHint}>
              {(p) => (
                <TextArea
                  {...p}
                  rows={3}
                  required
                  value={expected}
                  onChange={(e) => {
                    setExpected(e.target.value);
                    edited();
                  }}
                />
              )}
            </Field>
            <Field label="Category" hint="Optional: results are also broken down by category.">
              {(p) => (
                <TextInput
                  {...p}
                  maxLength={80}
                  value={category}
                  onChange={(e) => {
                    setCategory(e.target.value);
                    edited();
                  }}
                />
              )}
            </Field>
            <div className="flex flex-wrap items-center gap-3">
              <Button type="submit" variant="primary" disabled={add.isPending || !expected.trim()}>
                {add.isPending ? <Spinner /> : null}
                Add to set
              </Button>
              {add.isError ? <FormMessage tone="error">{add.error.message}</FormMessage> : null}
              {add.isSuccess ? (
                <FormMessage tone="success">
                  Added to <Untrusted text={add.variables.set.name} /> ({items(add.data.items)} now).
                </FormMessage>
              ) : null}
            </div>
          </form>
        )}
      </CardBody>
    </Card>
  );
}
