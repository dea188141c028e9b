/**
 * Which database a DATABASE_URL names. The provider cannot come from env() in a
 * Prisma schema, so each provider has its own generated schema and client, and
 * this is the one place that picks between them.
 */
export type DbProvider = "sqlite" | "postgresql";

export const DEFAULT_DATABASE_URL = "file:./data/thinkgate.db";

export function databaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.DATABASE_URL?.trim() || DEFAULT_DATABASE_URL;
}

export function providerOf(url: string): DbProvider {
  if (url.startsWith("file:")) return "sqlite";
  if (url.startsWith("postgres://") || url.startsWith("postgresql://")) return "postgresql";
  throw new Error(
    `DATABASE_URL must start with file: (SQLite) or postgres:// / postgresql:// (PostgreSQL); got "${url.split(":")[0]}:..."`,
  );
}

/** The folder under prisma/ that holds a provider's schema and migrations. */
export function schemaDir(provider: DbProvider): string {
  return provider === "sqlite" ? "prisma/sqlite" : "prisma/postgres";
}

/** better-sqlite3 takes a path; Prisma URLs say file:./x.db relative to the working directory. */
export function sqlitePath(url: string): string {
  return url.replace(/^file:/, "");
}
