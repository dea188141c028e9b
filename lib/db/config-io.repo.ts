/**
 * Replaces the whole routing configuration (routes, app policies, the rule
 * set, routing settings, prices) in one transaction: a reader sees the old
 * configuration or the new one, never a mix, and a failure leaves the old.
 */
import { AppError } from "../api/errors";
import type { LimitColumns } from "../limits/policy";
import type { PriceRow } from "../pricing/seed";
import { db } from "./client";
import { toStoredRoute, type RouteRow } from "./config.repo";

export interface ConfigRows {
  routes: RouteRow[];
  apps: ({ name: string; tier: string; routeId: string | null; description: string; thinkingPolicy: string | null; thinkingCap: string | null } & LimitColumns)[];
  /** The rule set as JSON, written as the next version. */
  rules: string;
  /** Setting key → value (stored as JSON). */
  settings: [string, unknown][];
  prices: PriceRow[];
}

/** Writes `rows` in place of the current configuration; returns the rule-set version it wrote. */
export async function replaceConfig(rows: ConfigRows, createdBy: string, note: string): Promise<number> {
  try {
    return await db().client.$transaction(
      async (tx) => {
        const routeIds = rows.routes.map((r) => r.id);
        await tx.route.deleteMany({ where: { id: { notIn: routeIds } } });
        for (const r of rows.routes) {
          const { id, ...rest } = toStoredRoute(r);
          await tx.route.upsert({ where: { id }, create: { id, ...rest }, update: rest });
        }

        await tx.appPolicy.deleteMany({ where: { name: { notIn: rows.apps.map((a) => a.name) } } });
        for (const a of rows.apps) {
          const { name, ...rest } = a;
          await tx.appPolicy.upsert({ where: { name }, create: a, update: rest });
        }

        const latest = await tx.ruleSetVersion.findFirst({ orderBy: { version: "desc" }, select: { version: true } });
        const version = (latest?.version ?? 0) + 1;
        await tx.ruleSetVersion.create({ data: { version, rules: rows.rules, createdBy, note } });

        for (const [key, value] of rows.settings) {
          const v = JSON.stringify(value);
          await tx.setting.upsert({ where: { key }, create: { key, value: v }, update: { value: v } });
        }

        const keep = new Set(rows.prices.map((p) => `${p.model}@${p.effectiveFrom.toISOString()}`));
        const existing = await tx.price.findMany({ select: { id: true, model: true, effectiveFrom: true } });
        const drop = existing.filter((p) => !keep.has(`${p.model}@${p.effectiveFrom.toISOString()}`)).map((p) => p.id);
        if (drop.length) await tx.price.deleteMany({ where: { id: { in: drop } } });
        for (const p of rows.prices) {
          const { model, effectiveFrom, ...rates } = p;
          await tx.price.upsert({ where: { model_effectiveFrom: { model, effectiveFrom } }, create: p, update: rates });
        }
        return version;
      },
      { timeout: 30_000, maxWait: 10_000 },
    );
  } catch (err) {
    if ((err as { code?: unknown }).code === "P2002") {
      throw new AppError("conflict_error", "the rules were saved by someone else at the same moment; nothing was imported: try again");
    }
    throw err;
  }
}
