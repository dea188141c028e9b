// Prisma CLI configuration. The CLI runs offline with the JS schema engine and
// a driver adapter; the schema and migrations are the ones of the provider that
// DATABASE_URL names (see lib/db/provider.ts).
import path from "node:path";
import { defineConfig } from "prisma/config";
import { databaseUrl, providerOf, schemaDir, sqlitePath } from "./lib/db/provider";

const url = databaseUrl();
const provider = providerOf(url);

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join(schemaDir(provider), "schema.prisma"),
  migrations: { path: path.join(schemaDir(provider), "migrations") },
  async adapter() {
    if (provider === "sqlite") {
      const { PrismaBetterSQLite3 } = await import("@prisma/adapter-better-sqlite3");
      return new PrismaBetterSQLite3({ url: sqlitePath(url) });
    }
    const { PrismaPg } = await import("@prisma/adapter-pg");
    return new PrismaPg({ connectionString: url });
  },
});
