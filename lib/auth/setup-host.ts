/**
 * Which Host a first-run setup may come through. While no user exists,
 * POST /api/auth/setup makes whoever sends it the admin, and a page of any
 * site can send it: with DNS rebinding, the page's own name (say
 * rebind.attacker.example) comes to resolve to the machine thinkgate runs on,
 * so the browser of anyone who can reach the server (the developer's own, for
 * a server on 127.0.0.1) posts to it as the page's own origin, no CORS in the
 * way. The server then sees the page's name in the Host header. A request
 * naming the server by an IP address or as localhost cannot be one; a
 * deployment reached by a name lists it in THINKGATE_SETUP_HOSTS, or creates
 * the first admin with THINKGATE_ADMIN_EMAIL / THINKGATE_ADMIN_PASSWORD.
 */
import net from "node:net";

/** The host name of a Host header ("name:port", "[::1]:port", "1.2.3.4"), lower-cased; null when it is none. */
export function hostName(header: string | undefined): string | null {
  if (!header?.trim()) return null;
  try {
    const name = new URL(`http://${header.trim()}`).hostname.toLowerCase();
    return name.startsWith("[") && name.endsWith("]") ? name.slice(1, -1) : name;
  } catch {
    return null;
  }
}

/** The names THINKGATE_SETUP_HOSTS lists (comma-separated), lower-cased. */
export function setupHosts(env: Record<string, string | undefined> = process.env): string[] {
  return (env.THINKGATE_SETUP_HOSTS ?? "")
    .split(",")
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
}

/** Whether a setup request naming this Host may create the first admin. */
export function setupHostAllowed(header: string | undefined, env: Record<string, string | undefined> = process.env): boolean {
  const name = hostName(header);
  if (name === null) return false;
  if (net.isIP(name) !== 0 || name === "localhost" || name.endsWith(".localhost")) return true;
  return setupHosts(env).includes(name);
}
