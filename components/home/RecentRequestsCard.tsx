"use client";

import Link from "next/link";
import { useMemo } from "react";
import { useGatewayKey, useHydrated } from "@/components/hooks/useGatewayKey";
import { useMe } from "@/components/hooks/useMe";
import { useNow } from "@/components/hooks/useNow";
import { buttonClasses } from "@/components/ui/Button";
import { Card, CardHeader } from "@/components/ui/Card";
import { EmptyState } from "@/components/ui/EmptyState";
import { ErrorState } from "@/components/ui/ErrorState";
import { Spinner } from "@/components/ui/Spinner";
import { isApiError } from "@/lib/ui/api-client";
import { prepareRequestRows } from "@/lib/ui/requests";
import { RequestCards } from "./RequestCards";
import { RequestsTable } from "./RequestsTable";
import { RECENT_LIMIT, useRecentRequests } from "./useRecentRequests";

/** The last 20 requests through the gateway, live. */
export function RecentRequestsCard() {
  const hydrated = useHydrated();
  const { key } = useGatewayKey();
  const me = useMe();
  // A signed-in user reads requests with their session: nobody signed in is asked for a key.
  const session = !!me.data?.user;
  const query = useRecentRequests(key, session);
  const now = useNow();
  const rows = useMemo(() => (query.data ? prepareRequestRows(query.data.data, now) : null), [query.data, now]);

  const live = (session || !!key) && !!query.data && !query.error;

  return (
    <Card>
      <CardHeader
        title="Recent requests"
        description={`The last ${RECENT_LIMIT} requests through this gateway, newest first.`}
        actions={
          <>
            {live ? <LiveIndicator fetching={query.isFetching} /> : null}
            <Link href="/traces" className={buttonClasses("secondary", "sm")}>
              All traces →
            </Link>
          </>
        }
      />
      <Body hydrated={hydrated && !me.isPending} hasKey={session || !!key} session={session} query={query} rows={rows} />
    </Card>
  );
}

function Body({
  hydrated,
  hasKey,
  session,
  query,
  rows,
}: {
  hydrated: boolean;
  hasKey: boolean;
  session: boolean;
  query: ReturnType<typeof useRecentRequests>;
  rows: ReturnType<typeof prepareRequestRows> | null;
}) {
  // Before hydration the saved key is unknown: show the loading state rather
  // than flash "paste a key" at a user who already did.
  if (!hydrated) return <Loading />;

  if (!hasKey) {
    return (
      <EmptyState
        title="Paste your gateway key to see recent requests"
        action={
          <a href="#gateway-key" className={buttonClasses("primary", "sm")}>
            Paste a key
          </a>
        }
      >
        Reading requests needs a key with the viewer role or above. It stays in this browser.
      </EmptyState>
    );
  }

  if (query.error && !rows) {
    const err = query.error;
    if (isApiError(err) && err.isAuthError && session) {
      return <ErrorState title="Your account cannot read requests" error={err} />;
    }
    if (isApiError(err) && err.isAuthError) {
      return (
        <ErrorState
          title={err.status === 401 ? "The gateway did not accept this key" : "This key cannot read requests"}
          error={err}
        >
          <a href="#gateway-key" className="text-accent-700 underline underline-offset-2 hover:text-accent-900">
            Change the key
          </a>
        </ErrorState>
      );
    }
    return <ErrorState title="Could not load recent requests" error={err} onRetry={() => void query.refetch()} />;
  }

  if (!rows) return <Loading />;

  if (rows.length === 0) {
    return (
      <EmptyState
        title={
          <>
            No requests yet — run <code className="rounded bg-gray-100 px-1 py-0.5 text-xs text-gray-800">npm run demo</code>{" "}
            or send one with the snippet above.
          </>
        }
      >
        The list refreshes every 5 seconds.
      </EmptyState>
    );
  }

  return (
    <>
      {query.error ? (
        <p role="status" className="border-b border-amber-200 bg-amber-50 px-4 py-1.5 text-xs text-amber-900">
          Refreshing failed ({query.error.message}); showing the last list received.
        </p>
      ) : null}
      <div className="hidden lg:block">
        <RequestsTable rows={rows} />
      </div>
      <div className="lg:hidden">
        <RequestCards rows={rows} />
      </div>
    </>
  );
}

function Loading() {
  return (
    <div className="flex items-center justify-center gap-2 px-4 py-10 text-sm text-gray-500">
      <Spinner label="Loading recent requests" />
      Loading recent requests…
    </div>
  );
}

function LiveIndicator({ fetching }: { fetching: boolean }) {
  return (
    <span className="inline-flex items-center gap-1.5 text-xs text-gray-500" title="Refreshes every 5 seconds">
      <span className="relative flex size-2">
        <span
          aria-hidden
          className={`absolute inline-flex size-full rounded-full bg-emerald-400 opacity-75 ${fetching ? "animate-ping" : ""} motion-reduce:animate-none`}
        />
        <span aria-hidden className="relative inline-flex size-2 rounded-full bg-emerald-500" />
      </span>
      Live
    </span>
  );
}
