"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { isApiError } from "@/lib/ui/api-client";

function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 5_000,
        // A 4xx (bad key, missing permission, unknown id) will not change on a
        // retry; a network blip or a 5xx might. Retrying a 401 would only
        // delay the message telling the user to fix their key.
        retry: (failureCount, error) => {
          if (isApiError(error) && error.status >= 400 && error.status < 500 && error.status !== 429) return false;
          return failureCount < 2;
        },
      },
    },
  });
}

/** React Query for every client page. One client per browser tab (useState), never shared between server requests. */
export function Providers({ children }: { children: ReactNode }) {
  const [client] = useState(makeQueryClient);
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
