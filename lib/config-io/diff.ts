/**
 * What an import would change: per section, the entries added, changed and
 * removed (routes by id, apps by name, prices by model and date, rules by id,
 * with rules that only moved listed too: their order is their priority), and
 * the settings whose value differs. Both sides are canonical documents, so
 * "changed" means a different value, never a different spelling.
 */
import { diffRuleSets } from "../rules/diff";
import { priceKey, type ConfigDocument, type ConfigSettings } from "./document";

export interface SectionDiff {
  added: string[];
  changed: string[];
  removed: string[];
}

export interface ConfigDiff {
  routes: SectionDiff;
  rules: SectionDiff & { moved: string[] };
  apps: SectionDiff;
  prices: SectionDiff;
  /** Names of the settings that change, e.g. "tierRoutes", "escalation". */
  settings: string[];
  /** Nothing would change. */
  empty: boolean;
}

function section<T>(before: T[], after: T[], key: (t: T) => string): SectionDiff {
  const old = new Map(before.map((t) => [key(t), JSON.stringify(t)]));
  const now = new Map(after.map((t) => [key(t), JSON.stringify(t)]));
  return {
    added: [...now.keys()].filter((k) => !old.has(k)),
    changed: [...now.keys()].filter((k) => old.has(k) && old.get(k) !== now.get(k)),
    removed: [...old.keys()].filter((k) => !now.has(k)),
  };
}

const size = (d: SectionDiff) => d.added.length + d.changed.length + d.removed.length;

export function diffConfig(before: ConfigDocument, after: ConfigDocument): ConfigDiff {
  const r = diffRuleSets(before.rules, after.rules);
  const rules = {
    added: r.added.map((a) => a.rule.id),
    changed: r.changed.map((c) => c.id),
    removed: r.removed.map((x) => x.rule.id),
    moved: r.moved.map((m) => m.id),
  };
  const settings = (Object.keys(after.settings) as (keyof ConfigSettings)[]).filter(
    (k) => JSON.stringify(before.settings[k]) !== JSON.stringify(after.settings[k]),
  );
  const out = {
    routes: section(before.routes, after.routes, (x) => x.id),
    rules,
    apps: section(before.apps, after.apps, (x) => x.name),
    prices: section(before.prices, after.prices, priceKey),
    settings,
  };
  const empty = size(out.routes) + size(out.rules) + rules.moved.length + size(out.apps) + size(out.prices) + settings.length === 0;
  return { ...out, empty };
}

/** One line per section that changes, for the CLI and the import's note. */
export function describeDiff(d: ConfigDiff): string[] {
  if (d.empty) return ["no changes"];
  const lines: string[] = [];
  const part = (name: string, s: SectionDiff & { moved?: string[] }) => {
    const bits = [
      s.added.length ? `+${s.added.length} added (${s.added.join(", ")})` : "",
      s.changed.length ? `~${s.changed.length} changed (${s.changed.join(", ")})` : "",
      s.removed.length ? `-${s.removed.length} removed (${s.removed.join(", ")})` : "",
      s.moved?.length ? `${s.moved.length} moved (${s.moved.join(", ")})` : "",
    ].filter(Boolean);
    if (bits.length) lines.push(`${name}: ${bits.join(", ")}`);
  };
  part("routes", d.routes);
  part("rules", d.rules);
  part("apps", d.apps);
  part("prices", d.prices);
  if (d.settings.length) lines.push(`settings: ${d.settings.join(", ")} changed`);
  return lines;
}
