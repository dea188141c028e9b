/**
 * Configuration as code: export the routing configuration as one document,
 * check a document (shape, references, and what it would change), and import
 * it: one transaction, a new rule-set version noted "imported from <file>",
 * then the routing snapshot and prices reload here and on the other
 * instances, as after any save.
 */
import { announceChange } from "../cluster/bus";
import { configRepo } from "../db/config.repo";
import { replaceConfig } from "../db/config-io.repo";
import { pricesRepo } from "../db/prices.repo";
import { fromColumns, toColumns } from "../limits/policy";
import { toThinkingColumns, toThinkingPolicy } from "../models/client-thinking";
import { invalidatePrices } from "../pricing/service";
import {
  invalidate,
  SETTING_CLASSIFIER,
  SETTING_DEFAULT_ROUTE,
  SETTING_ESCALATION,
  SETTING_LLM_CLASSIFIER,
  SETTING_THRESHOLD,
  SETTING_TIER_ROUTES,
} from "../routing/config";
import { activeRuleSet } from "../rules/service";
import { getSettings } from "../settings/service";
import { diffConfig, describeDiff, type ConfigDiff } from "./diff";
import { canonicalDocument, exportable, validateDocument, type ConfigApp, type ConfigDocument, type ConfigRoute } from "./document";
import { parseText, serialize, type ConfigFormat } from "./format";

/** The configuration in effect, as a canonical document. */
export async function currentDocument(): Promise<ConfigDocument> {
  const [routes, apps, ruleSet, settings, prices] = await Promise.all([configRepo.routes(), configRepo.apps(), activeRuleSet(), getSettings(), pricesRepo.all()]);
  return canonicalDocument({
    settings: {
      tierRoutes: settings.tierRoutes,
      defaultRouteId: settings.defaultRouteId,
      classifierThreshold: settings.classifierThreshold,
      classifier: settings.classifier,
      llmClassifier: settings.llmClassifier,
      escalation: settings.escalation,
    },
    routes: routes as ConfigRoute[],
    rules: ruleSet.rules,
    apps: apps.map((a) => ({ name: a.name, tier: a.tier as ConfigApp["tier"], routeId: a.routeId, description: a.description, limits: fromColumns(a), thinking: toThinkingPolicy(a.thinkingPolicy, a.thinkingCap) })),
    prices,
  });
}

/**
 * The configuration in effect as a file. A price holding half a long-context
 * pair is written without it, with a YAML comment saying so (document.ts
 * halfLongContext): the file imports, and importing it clears the half from
 * the database. currentDocument keeps the half, so a check of the exported
 * file shows that price as changed.
 */
export async function exportConfig(format: ConfigFormat): Promise<string> {
  const { document, notes } = exportable(await currentDocument());
  return serialize(document, format, notes);
}

export interface CheckResult {
  document: ConfigDocument;
  diff: ConfigDiff;
  /** One line per section that would change. */
  summary: string[];
}

/** Parses and validates a file and compares it with the configuration in effect; a 400 with every problem's path when it is not valid. */
export async function checkConfig(text: string, format?: ConfigFormat): Promise<CheckResult> {
  const document = validateDocument(parseText(text, format));
  const diff = diffConfig(await currentDocument(), document);
  return { document, diff, summary: describeDiff(diff) };
}

export interface ImportResult extends Omit<CheckResult, "document"> {
  applied: boolean;
  /** The rule-set version the import wrote; null when nothing was written (dry run, or no change). */
  ruleSetVersion: number | null;
}

/**
 * Applies a file. A dry run stops after the check; a file identical to the
 * configuration in effect writes nothing (no empty version in the history).
 */
export async function importConfig(text: string, opts: { format?: ConfigFormat; author: string; source: string; dryRun?: boolean }): Promise<ImportResult> {
  const { document: d, diff, summary } = await checkConfig(text, opts.format);
  if (opts.dryRun || diff.empty) return { applied: false, ruleSetVersion: null, diff, summary };
  const version = await replaceConfig(
    {
      routes: d.routes,
      apps: d.apps.map((a) => ({ name: a.name, tier: a.tier, routeId: a.routeId, description: a.description, ...toColumns(a.limits), ...toThinkingColumns(a.thinking ?? null) })),
      rules: JSON.stringify(d.rules),
      settings: [
        [SETTING_TIER_ROUTES, d.settings.tierRoutes],
        [SETTING_DEFAULT_ROUTE, d.settings.defaultRouteId],
        [SETTING_THRESHOLD, d.settings.classifierThreshold],
        [SETTING_CLASSIFIER, d.settings.classifier],
        [SETTING_LLM_CLASSIFIER, d.settings.llmClassifier],
        [SETTING_ESCALATION, d.settings.escalation],
      ],
      prices: d.prices.map((p) => ({ ...p, effectiveFrom: new Date(p.effectiveFrom) })),
    },
    opts.author,
    `imported from ${opts.source}`.slice(0, 500),
  );
  invalidate();
  await invalidatePrices();
  await Promise.all([announceChange("routing"), announceChange("prices")]);
  return { applied: true, ruleSetVersion: version, diff, summary };
}
