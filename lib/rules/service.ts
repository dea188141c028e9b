/**
 * The rule set as product teams edit it: read the active version, save a new
 * one, look back through history, roll back, and try a draft before saving
 * (against one prompt, or over stored traffic). Every write is a new version
 * with its author and time, and takes effect on this instance at once
 * (invalidate()) and on the others within milliseconds (announceChange).
 */
import { AppError, notFound } from "../api/errors";
import { MAX_INT_COLUMN } from "../api/query-number";
import { configRepo, type RuleSetRow } from "../db/config.repo";
import { replayRepo } from "../db/replay.repo";
import { priceFor } from "../pricing/service";
import { announceChange } from "../cluster/bus";
import { invalidate, routingConfig } from "../routing/config";
import { decide, type RoutingSnapshot } from "../routing/pipeline";
import { compileRules, ruleSetSchema, type Rule } from "../routing/rules";
import type { RoutableRequest } from "../routing/types";
import { replay, type ReplayResult } from "./replay";
import { validateRuleSet } from "./validate";

export interface RuleSetVersionView {
  version: number;
  createdBy: string;
  createdAt: Date;
  note: string;
  rules: Rule[];
}

function view(row: RuleSetRow): RuleSetVersionView {
  // Stored versions were validated when saved; parse again so a hand-edited row fails loudly here, not in the editor.
  return { version: row.version, createdBy: row.createdBy, createdAt: row.createdAt, note: row.note, rules: ruleSetSchema.parse(JSON.parse(row.rules)) };
}

export async function activeRuleSet(): Promise<RuleSetVersionView> {
  const row = await configRepo.latestRuleSet();
  return row ? view(row) : { version: 0, createdBy: "", createdAt: new Date(0), note: "", rules: [] };
}

export async function ruleSetVersion(version: number): Promise<RuleSetVersionView> {
  // Past what the column holds no version exists, and PostgreSQL refused the lookup (a 500).
  const row = version <= MAX_INT_COLUMN ? await configRepo.ruleSetByVersion(version) : null;
  if (!row) throw notFound(`rule set version ${version} does not exist`);
  return view(row);
}

export async function ruleSetHistory(limit: number) {
  const rows = await configRepo.ruleSetHistory(limit);
  return rows.map((r) => ({
    version: r.version,
    createdBy: r.createdBy,
    createdAt: r.createdAt,
    note: r.note,
    ruleCount: (JSON.parse(r.rules) as unknown[]).length,
  }));
}

async function routeIds(): Promise<Set<string>> {
  return new Set((await configRepo.routes()).map((r) => r.id));
}

/** Validates a draft against the routes that exist now. */
export async function validateDraft(raw: unknown): Promise<Rule[]> {
  return validateRuleSet(raw, await routeIds());
}

/** `version`: the one to write (a save based on the one before), else the next. */
async function write(rules: Rule[], author: string, note: string, version?: number): Promise<RuleSetVersionView> {
  const row = await configRepo.saveRuleSet(JSON.stringify(rules), author, note, { version });
  invalidate();
  await announceChange("routing");
  return view(row);
}

/**
 * Saves a draft as the next version. With baseVersion, refuses when someone
 * saved since the editor loaded (their change would be silently overwritten),
 * and writes baseVersion + 1 itself: of saves on one version only one is
 * written, however they interleave, so a save whose outcome was not known
 * (lib/api/db-bound.ts) is safe to send again.
 */
export async function saveRuleSet(raw: unknown, author: string, note: string, baseVersion?: number): Promise<RuleSetVersionView> {
  const rules = await validateDraft(raw);
  if (baseVersion !== undefined) {
    const latest = await configRepo.latestRuleSet();
    if ((latest?.version ?? 0) !== baseVersion) {
      throw new AppError(
        "conflict_error",
        `the rules changed since you loaded them: version ${latest?.version} was saved by ${latest?.createdBy}; reload, then apply your edits again`,
      );
    }
  }
  return write(rules, author, note, baseVersion === undefined ? undefined : baseVersion + 1);
}

/** Tries of noteInHistory when saves keep landing in between. */
const NOTE_ATTEMPTS = 5;

/**
 * Writes the active rules again, unchanged, as a new version with a note: a
 * change made elsewhere (a calibration experiment applied to a route) shown
 * in the rules' history. Written as the version after the one read, so a
 * save that lands in between is kept and the rules are read again; written
 * as "the next version", the rules read before that save became the newest
 * version and silently undid it.
 */
export async function noteInHistory(author: string, note: string, opts: { experimentId?: string } = {}): Promise<RuleSetRow> {
  for (let attempt = 1; ; attempt++) {
    const active = await activeRuleSet();
    try {
      return await configRepo.saveRuleSet(JSON.stringify(active.rules), author, note, { ...opts, version: active.version + 1 });
    } catch (err) {
      if (!(err instanceof AppError && err.type === "conflict_error") || attempt >= NOTE_ATTEMPTS) throw err;
    }
  }
}

/** Writes an old version's rules again, as a new version. */
export async function rollbackTo(version: number, author: string, note?: string): Promise<RuleSetVersionView> {
  const old = await ruleSetVersion(version);
  // Routes may have changed since: the old rules must still name existing ones.
  const rules = validateRuleSet(old.rules, await routeIds());
  return write(rules, author, note?.trim() || `rollback to version ${version}`);
}

/** The active configuration with the draft rules in place of the saved ones. */
export async function snapshots(draft: Rule[]): Promise<{ active: RoutingSnapshot; draft: RoutingSnapshot; activeVersion: number }> {
  const { snapshot, ruleSetVersion: activeVersion } = await routingConfig();
  return { active: snapshot, draft: { ...snapshot, rules: compileRules(draft) }, activeVersion };
}

export interface TestProbe {
  prompt: string;
  system?: string;
  task?: string;
  app?: string;
  model: string;
  hasTools: boolean;
}

/** What the draft does with one prompt: each rule's verdict, the first match, and the pipeline's full decision. */
export async function testDraft(draftRules: Rule[], probe: TestProbe) {
  const { draft } = await snapshots(draftRules);
  const req: RoutableRequest = {
    model: probe.model,
    prompt: probe.prompt,
    system: probe.system ?? "",
    hasTools: probe.hasTools,
    hasThinkingBlocks: false,
    pendingToolResult: false,
    conversationKey: "rule-test",
    threadKey: "rule-test",
    turnKey: "rule-test",
    background: false,
    task: probe.task || undefined,
    app: probe.app || undefined,
  };
  const evaluations = await Promise.all(
    draft.rules.map(async (c, index) => ({ index, id: c.rule.id, name: c.rule.name, enabled: c.rule.enabled, matches: await c.matches(req) })),
  );
  const first = evaluations.find((e) => e.enabled && e.matches) ?? null;
  const decision = await decide(req, draft, { get: () => undefined });
  return {
    matched: first ? { index: first.index, id: first.id, name: first.name } : null,
    evaluations,
    decision: {
      tier: decision.tier,
      stage: decision.stage,
      reason: decision.reason,
      ruleId: decision.ruleId ?? null,
      score: decision.score ?? null,
      threshold: decision.threshold ?? null,
      route: decision.route,
    },
  };
}

export async function replayDraft(draftRules: Rule[], limit: number): Promise<ReplayResult & { activeVersion: number }> {
  const [{ active, draft, activeVersion }, records] = await Promise.all([snapshots(draftRules), replayRepo.recent(limit)]);
  const result = await replay({ records, active, draft, priceFor });
  return { ...result, activeVersion };
}
