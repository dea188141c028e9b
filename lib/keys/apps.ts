/**
 * Binding a gateway key to apps. A request names its app in the
 * thinkgate-app header, and the app's budget and attribution follow that
 * name; a key left unbound may name any app, as before. A key bound to apps
 * may name only those: another is a 403, and a request that names none is
 * the key's first app, so a team's key spends against its own app's budget
 * whatever its clients send.
 */
import { z } from "zod";
import { forbidden } from "../api/errors";
import { nameSchema, storedNameSchema } from "../settings/names";

export const APP_HEADER = "thinkgate-app";

const appsOf = (name: z.ZodType<string>) =>
  z
    .array(name)
    .min(1, "name at least one app, or send null for any app")
    .max(50, "a key is bound to at most 50 apps")
    .refine((apps) => new Set(apps.map((a) => a.toLowerCase())).size === apps.length, "an app is named twice")
    .nullable();

/** The apps a key may be used for, the default first; null: any app. */
export const keyAppsSchema = appsOf(nameSchema);
/** A binding as stored: one made before '.' and '..' were refused as names still binds the key to them (read as none, it would refuse all its requests). */
const storedAppsSchema = appsOf(storedNameSchema);

export type KeyApps = readonly string[] | null;

export function toAppsColumn(apps: KeyApps): string | null {
  return apps ? JSON.stringify(apps) : null;
}

/** The stored binding. A value that does not read as one binds the key to no app, never to any. */
export function fromAppsColumn(column: string | null | undefined): KeyApps {
  if (column === null || column === undefined) return null;
  try {
    const parsed = storedAppsSchema.safeParse(JSON.parse(column));
    return parsed.success && parsed.data ? parsed.data : [];
  } catch {
    return [];
  }
}

/**
 * The app a request is counted for: the header's (`named`, trimmed, or
 * undefined when absent) for an unbound key; for a bound key the named app
 * when the key has it (spelt as the key has it: app names compare without
 * case, as app policies do), its first app when none is named, and a 403
 * otherwise.
 */
export function requestApp(named: string | undefined, bound: KeyApps | undefined): string | undefined {
  // An unbound key's header is taken as sent, '.' and '..' included (which an
  // admin may not name an app): refusing them would break a client that
  // worked before, and reading them as no app would count its requests for
  // another app than it named. They are never a path segment: app policies,
  // whose names are, cannot be named so, and the pages link to a request's
  // app only in a query string (encoded there, resolved by nothing).
  if (!bound) return named;
  if (named === undefined) return bound[0];
  const own = bound.find((a) => a.toLowerCase() === named.toLowerCase());
  if (own !== undefined) return own;
  const list = bound.map((a) => JSON.stringify(a)).join(", ");
  throw forbidden(
    bound.length
      ? `the ${APP_HEADER} header names ${JSON.stringify(named)}, but this key may only be used for ${bound.length === 1 ? "the app" : "the apps"} ${list}: send one of them, or leave the header out for ${JSON.stringify(bound[0])}`
      : `the ${APP_HEADER} header names ${JSON.stringify(named)}, but this key may not be used for any app`,
  );
}
