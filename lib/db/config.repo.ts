/** Routing configuration: routes, app policies, rule-set versions, settings. */
import { AppError } from "../api/errors";
import type { LimitColumns } from "../limits/policy";
import { db } from "./client";

export interface RouteRow {
  id: string;
  name: string;
  description: string;
  tier: string;
  model: string;
  thinking: string;
  budgetTier: string | null;
  budgetTokens: number | null;
  effort: string | null;
  display: string;
  minMaxTokens: number | null;
  /** Routes tried next, in order, when this one fails after its retries or its model's circuit is open. */
  fallbackRouteIds: string[];
}

/** Stored as one comma-separated column, the same on SQLite and PostgreSQL (ids are slugs: no commas). */
type StoredRoute = Omit<RouteRow, "fallbackRouteIds"> & { fallbackRouteIds: string };
const fromStored = ({ fallbackRouteIds, ...r }: StoredRoute): RouteRow => ({ ...r, fallbackRouteIds: fallbackRouteIds ? fallbackRouteIds.split(",") : [] });
export const toStoredRoute = (r: RouteRow): StoredRoute => ({ ...r, fallbackRouteIds: r.fallbackRouteIds.join(",") });
/** A route's own fields as stored, without the timestamps a row read from the database also carries. */
function storedFields(r: RouteRow): StoredRoute {
  const { createdAt: _c, updatedAt: _u, ...rest } = toStoredRoute(r) as StoredRoute & { createdAt?: Date; updatedAt?: Date };
  return rest;
}

/** An app policy; the limit columns are left as stored when a write omits them. */
export interface AppRow extends Partial<LimitColumns> {
  name: string;
  tier: string;
  routeId: string | null;
  description: string;
  /** Client-thinking policy (lib/models/client-thinking.ts); null: the key's. Left as stored when a write omits it. */
  thinkingPolicy?: string | null;
  thinkingCap?: string | null;
}

export interface RuleSetRow {
  id: string;
  version: number;
  rules: string;
  createdBy: string;
  note: string;
  createdAt: Date;
}

/** Tries of a compare-and-swap update of a setting that other writes keep moving. */
const SETTING_UPDATE_ATTEMPTS = 10;

export const configRepo = {
  routes: async (): Promise<RouteRow[]> => (await db().client.route.findMany({ orderBy: { id: "asc" } })).map(fromStored),
  apps: (): Promise<AppRow[]> => db().client.appPolicy.findMany({ orderBy: { name: "asc" } }),
  latestRuleSet: (): Promise<RuleSetRow | null> => db().client.ruleSetVersion.findFirst({ orderBy: { version: "desc" } }),
  ruleSetHistory: (limit = 50): Promise<RuleSetRow[]> =>
    db().client.ruleSetVersion.findMany({ orderBy: { version: "desc" }, take: limit }),
  ruleSetByVersion: (version: number): Promise<RuleSetRow | null> => db().client.ruleSetVersion.findUnique({ where: { version } }),

  /**
   * Writes `version`, else the next one; the unique version number makes
   * concurrent saves fail rather than interleave, and of saves made for one
   * version only the first is written.
   */
  async saveRuleSet(rules: string, createdBy: string, note: string, opts: { experimentId?: string; version?: number } = {}): Promise<RuleSetRow> {
    const { experimentId } = opts;
    const version = opts.version ?? ((await db().client.ruleSetVersion.findFirst({ orderBy: { version: "desc" }, select: { version: true } }))?.version ?? 0) + 1;
    try {
      return await db().client.ruleSetVersion.create({ data: { version, rules, createdBy, note, ...(experimentId ? { experimentId } : {}) } });
    } catch (err) {
      if ((err as { code?: unknown }).code === "P2002") {
        throw new AppError("conflict_error", `version ${version} was saved by another save at the same moment (someone else's, or this one sent before); reload the rules to see which before saving again`);
      }
      throw err;
    }
  },

  async upsertRoute(r: RouteRow): Promise<void> {
    const { id, ...rest } = toStoredRoute(r);
    await db().client.route.upsert({ where: { id }, create: { id, ...rest }, update: rest });
  },
  /**
   * Replaces a route as `before` was read, and only if it still holds just
   * that (compare and swap on its fields); false when another write changed
   * it meanwhile.
   */
  async replaceRouteIf(before: RouteRow, after: RouteRow): Promise<boolean> {
    const { id, ...was } = storedFields(before);
    const { id: _id, ...now } = storedFields(after);
    return (await db().client.route.updateMany({ where: { id, ...was }, data: now })).count === 1;
  },
  async upsertApp(a: AppRow): Promise<void> {
    const { name, ...rest } = a;
    await db().client.appPolicy.upsert({ where: { name }, create: a, update: rest });
  },
  /** True when a policy was there to delete. */
  async deleteApp(name: string): Promise<boolean> {
    return (await db().client.appPolicy.deleteMany({ where: { name } })).count > 0;
  },

  async settings(): Promise<Map<string, unknown>> {
    const rows = await db().client.setting.findMany();
    return new Map(rows.map((r) => [r.key, JSON.parse(r.value) as unknown]));
  },
  async setSetting(key: string, value: unknown): Promise<void> {
    const v = JSON.stringify(value);
    await db().client.setting.upsert({ where: { key }, create: { key, value: v }, update: { value: v } });
  },
  /** Several settings in one transaction: values that only make sense together (a model and its threshold). */
  async setSettings(entries: [key: string, value: unknown][]): Promise<void> {
    const client = db().client;
    await client.$transaction(
      entries.map(([key, value]) => {
        const v = JSON.stringify(value);
        return client.setting.upsert({ where: { key }, create: { key, value: v }, update: { value: v } });
      }),
    );
  },
  /**
   * Changes one setting from the value it holds, as one step: a compare and
   * swap on the stored text, tried again when another write moved it in
   * between. Read, then written whole, a change of one field (the sampling
   * rate of PUT /api/settings) undid another write of the setting made in
   * between (PUT /api/settings/traces's per-route rates), and both callers
   * were told it worked. `update` gets the stored value (undefined: none).
   */
  async updateSetting(key: string, update: (stored: unknown) => unknown): Promise<void> {
    const client = db().client;
    for (let attempt = 1; ; attempt++) {
      const row = await client.setting.findUnique({ where: { key } });
      const value = JSON.stringify(update(row ? (JSON.parse(row.value) as unknown) : undefined));
      if (row) {
        if ((await client.setting.updateMany({ where: { key, value: row.value }, data: { value } })).count === 1) return;
      } else {
        try {
          await client.setting.create({ data: { key, value } });
          return;
        } catch (err) {
          if ((err as { code?: unknown }).code !== "P2002") throw err;
        }
      }
      if (attempt >= SETTING_UPDATE_ATTEMPTS) {
        throw new AppError("conflict_error", `the setting ${key} kept changing while this change was made (${attempt} tries); send it again`);
      }
    }
  },
  async setSettingIfAbsent(key: string, value: unknown): Promise<void> {
    const existing = await db().client.setting.findUnique({ where: { key } });
    if (!existing) await db().client.setting.create({ data: { key, value: JSON.stringify(value) } });
  },
};
