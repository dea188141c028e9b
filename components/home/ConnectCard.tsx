"use client";

import Link from "next/link";
import { useMemo, useState } from "react";
import { useGatewayKey, useHydrated } from "@/components/hooks/useGatewayKey";
import { useHealth } from "@/components/hooks/useHealth";
import { Card, CardBody, CardHeader } from "@/components/ui/Card";
import { CopyButton } from "@/components/ui/CopyButton";
import { buildSnippets, ROUTING_HEADERS } from "@/lib/ui/snippets";
import { KeyField } from "./KeyField";
import { SnippetTabs } from "./SnippetTabs";

/** What the server renders before the browser knows its own address; the default `npm start` address. */
const DEFAULT_BASE_URL = "http://127.0.0.1:3000/api";

/** The key field, the SDK snippets with the key filled in, the routing headers and the demo command. */
export function ConnectCard() {
  const { key, setKey } = useGatewayKey();
  const hydrated = useHydrated();
  const { data: health } = useHealth();
  const [revealed, setRevealed] = useState(false);

  // The server's own answer wins; until it arrives, this page's address is the
  // best guess (the UI and the API are served by the same process).
  const baseUrl = health?.baseUrl ?? (hydrated ? `${window.location.origin}/api` : DEFAULT_BASE_URL);
  const snippets = useMemo(() => buildSnippets({ baseUrl, key }), [baseUrl, key]);

  return (
    <Card id="connect">
      <CardHeader
        title="Connect your app"
        description="Point the official Anthropic SDK at thinkgate. Nothing else in your code changes."
      />
      <CardBody className="space-y-5">
        <div id="gateway-key" className="scroll-mt-24">
          <KeyField savedKey={key} onSave={setKey} revealed={revealed} onToggleReveal={() => setRevealed((r) => !r)} />
        </div>

        <div className="grid gap-5 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
          <div className="min-w-0">
            <SnippetTabs snippets={snippets} revealed={revealed} hasKey={!!key} />
            <p className="mt-1.5 text-xs text-gray-500">
              {key
                ? revealed
                  ? "Your key is shown in full. Copy puts exactly this on the clipboard."
                  : "Your key is masked on screen; Copy puts the full key on the clipboard."
                : "Save your key above to fill it in."}
            </p>
          </div>

          <div className="min-w-0 space-y-5">
            <section aria-labelledby="routing-headers">
              <h3 id="routing-headers" className="text-sm font-medium text-gray-900">
                Routing headers <span className="font-normal text-gray-500">(optional)</span>
              </h3>
              <dl className="mt-2 divide-y divide-gray-100 rounded-md border border-gray-200">
                {ROUTING_HEADERS.map((h) => (
                  <div key={h.name} className="px-3 py-2">
                    <dt className="flex flex-wrap items-baseline gap-x-2">
                      <code className="text-xs font-semibold text-gray-900">{h.name}</code>
                      <code className="text-[11px] text-gray-500">{h.values}</code>
                    </dt>
                    <dd className="mt-0.5 text-xs text-gray-600">{h.description}</dd>
                  </div>
                ))}
              </dl>
              <p className="mt-1.5 text-xs text-gray-500">
                Per request: <code className="text-gray-700">-H</code> in curl, <code className="text-gray-700">headers</code>{" "}
                in the SDK&apos;s request options. For every request: <code className="text-gray-700">defaultHeaders</code>{" "}
                (TypeScript) or <code className="text-gray-700">default_headers</code> (Python) on the client.
              </p>
            </section>

            <section aria-labelledby="agent-clients">
              <h3 id="agent-clients" className="text-sm font-medium text-gray-900">
                Claude Code or the Agent SDK?
              </h3>
              <p className="mt-1 text-xs text-gray-600">
                Two environment variables, and a key that lets thinkgate decide per user turn:{" "}
                <Link href="/connect" className="text-accent-700 underline underline-offset-2">
                  set up an agent client
                </Link>
                .
              </p>
            </section>

            <section aria-labelledby="demo-traffic">
              <h3 id="demo-traffic" className="text-sm font-medium text-gray-900">
                No app yet? Send demo traffic
              </h3>
              <div className="mt-2 flex items-center justify-between gap-2 rounded-md border border-gray-200 bg-gray-50 py-1 pr-1 pl-3">
                <code className="text-sm text-gray-900">npm run demo</code>
                <CopyButton value="npm run demo" variant="ghost" title="Copy the command" />
              </div>
              <p className="mt-1.5 text-xs text-gray-500">
                Sends sample prompts through the real request path (router, upstream, recorder), so the tables and
                charts have something to show.
              </p>
            </section>
          </div>
        </div>
      </CardBody>
    </Card>
  );
}
