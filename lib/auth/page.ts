/**
 * Sign-in for pages, on the server: a page reads the session before it
 * renders anything, redirects to /login when nobody is signed in, and tells
 * the page when the role is too low (the page then renders "forbidden"
 * instead of its content). The API checks again on every call; this only
 * keeps pages from showing what their data calls would refuse.
 */
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { hasRole } from "../gateway/keys";
import { sessionFromCookie } from "./principal";
import { cookieNames, wantsSecureCookies } from "./session";
import { publicUser, setupRequired, type UserRole } from "./users";
import { safeNext } from "./safe-next";

/** What a page may know about the signed-in user (serializable, for client components). */
export interface PageUser {
  id: string;
  email: string;
  role: UserRole;
}

export async function currentPageUser(): Promise<PageUser | null> {
  const [jar, h] = await Promise.all([cookies(), headers()]);
  // The cookie of the request's mode, as the API reads it (lib/auth/principal.ts).
  const secure = wantsSecureCookies({ "x-forwarded-proto": h.get("x-forwarded-proto") ?? undefined });
  const caller = await sessionFromCookie(jar.get(cookieNames(secure).session)?.value);
  if (!caller) return null;
  const { id, email, role } = publicUser(caller.user);
  return { id, email, role };
}

export { safeNext };

/**
 * The signed-in user, or a redirect to /login (to /setup while no user
 * exists). `allowed` is false when the user's role is below `role`.
 */
export async function requirePageUser(role: UserRole, path: string): Promise<{ user: PageUser; allowed: boolean }> {
  const user = await currentPageUser();
  if (!user) {
    if (await setupRequired()) redirect("/setup");
    redirect(`/login?next=${encodeURIComponent(safeNext(path))}`);
  }
  return { user, allowed: hasRole(user.role, role) };
}
