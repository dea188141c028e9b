"use client";

import type { ReactNode } from "react";
import { useHealth } from "@/components/hooks/useHealth";
import { Badge, StatusDot } from "@/components/ui/Badge";
import { Card, CardBody, CardHeader } from "@/components/ui/Card";
import { CopyButton } from "@/components/ui/CopyButton";
import { ErrorState } from "@/components/ui/ErrorState";
import { Spinner } from "@/components/ui/Spinner";
import type { HealthResponse } from "@/lib/ui/types";

const MODE: Record<HealthResponse["mode"], { label: string; detail: string }> = {
  simulator: { label: "Simulator", detail: "Offline, deterministic answers; no Anthropic key needed." },
  anthropic: { label: "Anthropic API", detail: "Requests are forwarded upstream with the server's ANTHROPIC_API_KEY." },
};

const DB: Record<HealthResponse["db"], { label: string; detail: string }> = {
  sqlite: { label: "SQLite", detail: "Embedded, single process." },
  postgresql: { label: "PostgreSQL", detail: "Shared; gateways can scale out." },
};

/** GET /api/health: is the gateway up, what does it answer with, and where do clients point. */
export function GatewayStatusCard() {
  const { data, error, isPending, isFetching, refetch } = useHealth();

  const status = isPending ? (
    <Spinner label="Checking the gateway" />
  ) : data && !error ? (
    <Badge tone="success">
      <StatusDot tone="success">running</StatusDot>
    </Badge>
  ) : (
    <Badge tone="danger">unreachable</Badge>
  );

  return (
    <Card>
      <CardHeader title="Gateway" description="What this thinkgate server runs as." actions={status} />
      {error && !data ? (
        <ErrorState title="The gateway did not answer its health check" error={error} onRetry={() => void refetch()}>
          Start it with <code className="rounded bg-gray-100 px-1 py-0.5 text-xs">npm start</code> in the project folder.
        </ErrorState>
      ) : (
        <CardBody>
          <dl className="grid grid-cols-2 gap-x-6 gap-y-4 lg:grid-cols-[minmax(0,1fr)_minmax(0,1fr)_minmax(0,0.6fr)_minmax(0,1.6fr)]">
            <Field label="Mode" detail={data ? MODE[data.mode]?.detail : undefined}>
              {data ? (
                <Badge tone={data.mode === "simulator" ? "warning" : "success"}>{MODE[data.mode]?.label ?? data.mode}</Badge>
              ) : (
                <Placeholder />
              )}
            </Field>
            <Field label="Database" detail={data ? DB[data.db]?.detail : undefined}>
              {data ? <span className="font-medium">{DB[data.db]?.label ?? data.db}</span> : <Placeholder />}
            </Field>
            <Field label="Version">{data ? <span className="font-mono text-xs">{data.version}</span> : <Placeholder />}</Field>
            <Field label="Base URL" detail="Pass this as the SDK's baseURL." className="col-span-2 lg:col-span-1">
              {data ? (
                <span className="flex min-w-0 items-center gap-2">
                  <code className="min-w-0 truncate rounded bg-gray-100 px-1.5 py-0.5 text-xs text-gray-900" title={data.baseUrl}>
                    {data.baseUrl}
                  </code>
                  <CopyButton value={data.baseUrl} variant="ghost" label="Copy" title="Copy the base URL" />
                </span>
              ) : (
                <Placeholder wide />
              )}
            </Field>
          </dl>
          {error && data ? (
            <p className="mt-3 text-xs text-red-700">
              The last health check failed ({error.message}); showing the previous answer.
              {isFetching ? " Retrying…" : ""}
            </p>
          ) : null}
        </CardBody>
      )}
    </Card>
  );
}

function Field({
  label,
  detail,
  children,
  className,
}: {
  label: string;
  detail?: string;
  children: ReactNode;
  className?: string;
}) {
  return (
    <div className={className}>
      <dt className="text-[11px] font-medium tracking-wide text-gray-500 uppercase">{label}</dt>
      <dd className="mt-1 flex min-h-6 items-center text-sm text-gray-900">{children}</dd>
      {detail ? <dd className="mt-0.5 text-xs text-gray-500">{detail}</dd> : null}
    </div>
  );
}

function Placeholder({ wide }: { wide?: boolean }) {
  return <span aria-hidden className={`h-4 animate-pulse rounded bg-gray-100 ${wide ? "w-56" : "w-20"}`} />;
}
