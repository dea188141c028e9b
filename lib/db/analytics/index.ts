/** The one dispatcher: the analytics queries of the database DATABASE_URL names. */
import { db } from "../client";
import { postgresAnalytics } from "./postgres";
import { sqliteAnalytics } from "./sqlite";
import type { AnalyticsDialect } from "./types";

export type * from "./types";
export { addUpStandardCells } from "./add-up";

export function analytics(): AnalyticsDialect {
  return db().provider === "sqlite" ? sqliteAnalytics : postgresAnalytics;
}
