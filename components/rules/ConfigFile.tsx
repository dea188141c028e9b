"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useRef, useState, type ChangeEvent } from "react";
import { Button } from "@/components/ui/Button";
import { Card, CardBody, CardHeader } from "@/components/ui/Card";
import { FormMessage } from "@/components/ui/Form";
import { ApiError, CSRF_HEADER, isApiError, isApiErrorBody, readCsrfToken } from "@/lib/ui/api-client";
import { readGatewayKey } from "@/lib/ui/gateway-key";
import { downloadFile } from "@/lib/ui/raw-fetch";

interface SectionDiff {
  added: string[];
  changed: string[];
  removed: string[];
  moved?: string[];
}

interface ImportResult {
  applied: boolean;
  ruleSetVersion: number | null;
  diff: { routes: SectionDiff; rules: SectionDiff; apps: SectionDiff; prices: SectionDiff; settings: string[]; empty: boolean };
}

interface Issue {
  path: string;
  message: string;
}

/** POSTs the file's text as it is (apiFetch sends JSON); authenticates as apiFetch does. */
async function postFile(name: string, text: string, dryRun: boolean): Promise<ImportResult> {
  const headers: Record<string, string> = { accept: "application/json", "content-type": /\.json$/i.test(name) ? "application/json" : "application/yaml" };
  const csrf = readCsrfToken();
  const key = csrf ? null : readGatewayKey();
  if (key) headers["x-api-key"] = key;
  if (csrf) headers[CSRF_HEADER] = csrf;
  const query = new URLSearchParams({ file: name, ...(dryRun ? { dryRun: "1" } : {}) });
  let res: Response;
  try {
    res = await fetch(`/api/config/import?${query}`, { method: "POST", headers, body: text, credentials: "same-origin", cache: "no-store" });
  } catch {
    throw new ApiError(0, { type: "error", error: { type: "network_error", message: "Could not reach the thinkgate server. Is it running?" } });
  }
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    throw new ApiError(res.status, isApiErrorBody(body) ? body : { type: "error", error: { type: "api_error", message: `the import answered HTTP ${res.status}` } });
  }
  return body as ImportResult;
}

function issuesOf(err: unknown): Issue[] {
  const issues = isApiError(err) ? (err.body.error as { issues?: unknown }).issues : undefined;
  return Array.isArray(issues) ? (issues as Issue[]) : [];
}

const SECTIONS = [
  ["routes", "Routes"],
  ["rules", "Rules"],
  ["apps", "App policies"],
  ["prices", "Prices"],
] as const;

function DiffSummary({ diff }: { diff: ImportResult["diff"] }) {
  if (diff.empty) return <p className="text-sm text-gray-600">The file matches the configuration in effect: nothing to import.</p>;
  const line = (sign: string, what: string, ids: string[] | undefined, tone: string) =>
    ids?.length ? (
      <li className={tone}>
        {sign} {ids.length} {what}: <span className="font-mono text-xs">{ids.join(", ")}</span>
      </li>
    ) : null;
  return (
    <dl className="grid gap-3 text-sm sm:grid-cols-2" aria-label="What the import changes">
      {SECTIONS.map(([key, label]) => {
        const d = diff[key];
        if (!d.added.length && !d.changed.length && !d.removed.length && !d.moved?.length) return null;
        return (
          <div key={key}>
            <dt className="font-medium text-gray-900">{label}</dt>
            <dd>
              <ul className="mt-1 space-y-0.5">
                {line("+", "added", d.added, "text-green-800")}
                {line("~", "changed", d.changed, "text-amber-800")}
                {line("−", "removed", d.removed, "text-red-800")}
                {line("↕", "moved", d.moved, "text-gray-700")}
              </ul>
            </dd>
          </div>
        );
      })}
      {diff.settings.length ? (
        <div>
          <dt className="font-medium text-gray-900">Routing settings</dt>
          <dd className="mt-1 text-amber-800">
            ~ changed: <span className="font-mono text-xs">{diff.settings.join(", ")}</span>
          </dd>
        </div>
      ) : null}
    </dl>
  );
}

type Step =
  | { kind: "idle" }
  | { kind: "checking"; name: string }
  | { kind: "checked"; name: string; text: string; result: ImportResult }
  | { kind: "invalid"; name: string; message: string; issues: Issue[] }
  | { kind: "applying"; name: string; text: string; result: ImportResult }
  | { kind: "applied"; name: string; result: ImportResult };

/**
 * Export and import of the whole routing configuration (routes, rules, app
 * policies, routing settings, prices) as one YAML file. Import checks the
 * file first and shows what it would change; nothing is written until the
 * admin applies it.
 */
export function ConfigFile({ canImport }: { canImport: boolean }) {
  const input = useRef<HTMLInputElement>(null);
  const qc = useQueryClient();
  const [step, setStep] = useState<Step>({ kind: "idle" });
  const [exportError, setExportError] = useState<string | null>(null);

  async function exportYaml() {
    setExportError(null);
    try {
      await downloadFile("/api/config/export?format=yaml", "thinkgate-config.yaml");
    } catch (err) {
      setExportError(isApiError(err) ? err.message : "Could not export the configuration.");
    }
  }

  async function picked(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    e.target.value = "";
    if (!file) return;
    setStep({ kind: "checking", name: file.name });
    const text = await file.text();
    try {
      setStep({ kind: "checked", name: file.name, text, result: await postFile(file.name, text, true) });
    } catch (err) {
      setStep({ kind: "invalid", name: file.name, message: isApiError(err) ? err.message : "Could not check the file.", issues: issuesOf(err) });
    }
  }

  async function apply() {
    if (step.kind !== "checked") return;
    setStep({ ...step, kind: "applying" });
    try {
      const result = await postFile(step.name, step.text, false);
      setStep({ kind: "applied", name: step.name, result });
      // Rules, their history and the routes all may have changed.
      await Promise.all([qc.invalidateQueries({ queryKey: ["rules"] }), qc.invalidateQueries({ queryKey: ["routes"] })]);
    } catch (err) {
      setStep({ kind: "invalid", name: step.name, message: isApiError(err) ? err.message : "Could not import the file.", issues: issuesOf(err) });
    }
  }

  const close = () => setStep({ kind: "idle" });

  return (
    <>
      <div className="ml-auto flex flex-wrap items-center gap-2">
        <Button size="sm" onClick={() => void exportYaml()} title="Routes, rules, app policies, routing settings and prices as one YAML file">
          Export
        </Button>
        {canImport ? (
          <>
            <Button size="sm" onClick={() => input.current?.click()} disabled={step.kind === "checking" || step.kind === "applying"}>
              Import…
            </Button>
            <input ref={input} type="file" accept=".yaml,.yml,.json,application/yaml,application/json" className="hidden" aria-label="Configuration file to import" onChange={(e) => void picked(e)} />
          </>
        ) : null}
        {exportError ? <FormMessage tone="error">{exportError}</FormMessage> : null}
      </div>
      {step.kind !== "idle" ? (
        <Card className="order-last basis-full" id="config-import">
          <CardHeader
            title={`Import ${step.name}`}
            description="Importing replaces routes, rules, app policies, routing settings and prices in one step, as a new rules version."
            actions={
              step.kind === "applying" || step.kind === "checking" ? null : (
                <Button size="sm" variant="ghost" onClick={close}>
                  {step.kind === "applied" ? "Close" : "Cancel"}
                </Button>
              )
            }
          />
          <CardBody className="space-y-3">
            {step.kind === "checking" ? <p className="text-sm text-gray-600">Checking the file…</p> : null}
            {step.kind === "invalid" ? (
              <div role="alert" className="space-y-1 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 ring-1 ring-red-200">
                <p>{step.issues.length ? `The file has ${step.issues.length} problem${step.issues.length > 1 ? "s" : ""}; nothing was changed.` : step.message}</p>
                {step.issues.length ? (
                  <ul className="list-disc space-y-0.5 pl-5">
                    {step.issues.map((i) => (
                      <li key={`${i.path}|${i.message}`}>
                        {i.path ? <span className="font-mono text-xs">{i.path}</span> : null}
                        {i.path ? ": " : null}
                        {i.message}
                      </li>
                    ))}
                  </ul>
                ) : null}
              </div>
            ) : null}
            {step.kind === "checked" || step.kind === "applying" ? (
              <>
                <DiffSummary diff={step.result.diff} />
                {!step.result.diff.empty ? (
                  <div className="flex flex-wrap gap-2">
                    <Button variant="primary" onClick={() => void apply()} disabled={step.kind === "applying"}>
                      {step.kind === "applying" ? "Importing…" : "Apply import"}
                    </Button>
                  </div>
                ) : null}
              </>
            ) : null}
            {step.kind === "applied" ? (
              <FormMessage tone="success">
                {step.result.applied ? `Imported as rules version ${step.result.ruleSetVersion}; it routes the next request.` : "Nothing changed."}
              </FormMessage>
            ) : null}
          </CardBody>
        </Card>
      ) : null}
    </>
  );
}
