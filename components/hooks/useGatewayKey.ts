"use client";

import { useCallback, useSyncExternalStore } from "react";
import { readGatewayKey, subscribeGatewayKey, writeGatewayKey } from "@/lib/ui/gateway-key";

/**
 * The gateway key saved in this browser, shared by every component (and every
 * tab). On the server and during hydration it is null, so the first client
 * render matches the HTML; the saved key arrives right after.
 */
export function useGatewayKey(): { key: string | null; setKey: (key: string | null) => void } {
  const key = useSyncExternalStore(subscribeGatewayKey, readGatewayKey, () => null);
  const setKey = useCallback((next: string | null) => writeGatewayKey(next), []);
  return { key, setKey };
}

/** False during the server render and hydration, true after: tells "no key yet" from "not read yet". */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    noopSubscribe,
    () => true,
    () => false,
  );
}

const noopSubscribe = () => () => {};
