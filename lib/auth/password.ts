/**
 * Password hashing with argon2id (@node-rs/argon2's default algorithm), at the
 * library's defaults: 19 MiB, 2 passes, 1 lane, which is OWASP's minimum
 * recommendation for argon2id. The PHC string carries its own parameters, so
 * raising them later still verifies old hashes.
 */
import { hash, verify } from "@node-rs/argon2";

export const MIN_PASSWORD_CHARS = 10;
export const MAX_PASSWORD_CHARS = 256;

export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    // A malformed stored hash is a failed sign-in, not a 500.
    return false;
  }
}

// A real hash of a random password, computed once: verifying against it when
// the email is unknown makes "no such user" take as long as "wrong password",
// so response times do not reveal which emails have accounts.
let dummy: Promise<string> | null = null;
export function dummyHash(): Promise<string> {
  return (dummy ??= hash(`dummy-${Math.random()}-${Date.now()}`));
}
