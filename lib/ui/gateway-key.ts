/**
 * The gateway key the UI sends as `x-api-key`, kept in this browser's
 * localStorage and nowhere else: the server prints a key once at first start
 * and stores only its hash, so the browser is the one place a UI user's key
 * lives.
 *
 * Framework-neutral (no React): components subscribe through
 * `useGatewayKey()` (components/hooks), which wraps these functions in
 * useSyncExternalStore so every card sees the same key at the same time.
 */

export const GATEWAY_KEY_STORAGE_KEY = "thinkgate.gatewayKey";

/** Fired on window when this tab changes the key; "storage" only fires in other tabs. */
const CHANGE_EVENT = "thinkgate:gateway-key";

function storage(): Storage | null {
  // localStorage is missing on the server and can throw when the browser
  // blocks storage (privacy settings, some embedded views).
  try {
    return typeof window !== "undefined" ? window.localStorage : null;
  } catch {
    return null;
  }
}

/** Trims what a user pastes: terminals often add a trailing newline or spaces. */
export function normalizeGatewayKey(raw: string): string {
  return raw.trim().replace(/^["']|["']$/g, "").trim();
}

export function readGatewayKey(): string | null {
  try {
    const value = storage()?.getItem(GATEWAY_KEY_STORAGE_KEY) ?? null;
    return value ? value : null;
  } catch {
    return null;
  }
}

/** Saves the key (or forgets it with null/""), and tells this tab's subscribers. */
export function writeGatewayKey(key: string | null): void {
  const s = storage();
  if (!s) return;
  const value = key ? normalizeGatewayKey(key) : "";
  try {
    if (value) s.setItem(GATEWAY_KEY_STORAGE_KEY, value);
    else s.removeItem(GATEWAY_KEY_STORAGE_KEY);
  } catch {
    // Quota or blocked storage: the key simply is not remembered.
  }
  window.dispatchEvent(new Event(CHANGE_EVENT));
}

/** Calls `onChange` when the key changes in this tab or in another tab. */
export function subscribeGatewayKey(onChange: () => void): () => void {
  if (typeof window === "undefined") return () => {};
  const onStorage = (e: StorageEvent) => {
    if (e.key === null || e.key === GATEWAY_KEY_STORAGE_KEY) onChange();
  };
  window.addEventListener("storage", onStorage);
  window.addEventListener(CHANGE_EVENT, onChange);
  return () => {
    window.removeEventListener("storage", onStorage);
    window.removeEventListener(CHANGE_EVENT, onChange);
  };
}

/**
 * The key as shown on screen: enough of each end to recognise which key it
 * is, never enough to use it. Short keys are fully masked.
 */
export function maskGatewayKey(key: string): string {
  if (key.length < 16) return "•".repeat(Math.max(key.length, 8));
  return `${key.slice(0, 6)}${"•".repeat(10)}${key.slice(-4)}`;
}
