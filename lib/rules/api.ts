/**
 * The rule editor's API. Viewers read, test and replay (trying a draft
 * changes nothing); editors save and roll back. Drafts arrive as plain JSON
 * and are validated here, so a 400 names the rule and the field.
 */
import { z } from "zod";
import { decimal } from "../api/query-number";
import { notFound } from "../api/errors";
import { json, type Handler } from "../api/http";
import { withApi, type Caller } from "../api/wrap";
import { activeRuleSet, replayDraft, rollbackTo, ruleSetHistory, ruleSetVersion, saveRuleSet, testDraft, validateDraft } from "./service";

/** Who a version is attributed to: the user's email, or the key's name. */
export function authorOf(p: Caller): string {
  return p.userId ? p.name : `key:${p.name}`;
}

const note = z.string().trim().max(500).default("");

const saveBody = z.object({ rules: z.unknown(), note, baseVersion: z.number().int().min(0).optional() }).strict();
const rollbackBody = z.object({ version: z.number().int().min(1), note: z.string().trim().max(500).optional() }).strict();
const testBody = z
  .object({
    rules: z.unknown(),
    prompt: z.string().max(200_000),
    system: z.string().max(200_000).optional(),
    task: z.string().trim().max(200).optional(),
    app: z.string().trim().max(200).optional(),
    model: z.string().trim().min(1).max(200).default("claude-sonnet-4-6"),
    hasTools: z.boolean().default(false),
  })
  .strict();
export const REPLAY_DEFAULT = 500;
export const REPLAY_MAX = 5000;
const replayBody = z.object({ rules: z.unknown(), limit: z.number().int().min(1).max(REPLAY_MAX).default(REPLAY_DEFAULT) }).strict();

export const getRules: Handler = withApi({ role: "viewer" }, async () => json(200, await activeRuleSet()));

export const postRules: Handler = withApi({ role: "editor", body: saveBody }, async ({ body, principal }) =>
  json(201, await saveRuleSet(body.rules, authorOf(principal), body.note, body.baseVersion)),
);

const historyQuery = z.object({ limit: decimal(z.number().int().min(1).max(500)).default(100) });

export const getRuleHistory: Handler = withApi({ role: "viewer" }, async ({ req }) => {
  const q = historyQuery.parse(Object.fromEntries(req.query));
  return json(200, { data: await ruleSetHistory(q.limit) });
});

const versionParam = decimal(z.number().int().min(1));

export const getRuleVersion: Handler = withApi({ role: "viewer" }, async ({ req }) => {
  const version = versionParam.safeParse(req.params.version);
  if (!version.success) throw notFound(`rule set version ${req.params.version} does not exist`);
  return json(200, await ruleSetVersion(version.data));
});

export const postRollback: Handler = withApi({ role: "editor", body: rollbackBody }, async ({ body, principal }) =>
  json(201, await rollbackTo(body.version, authorOf(principal), body.note)),
);

export const postRuleTest: Handler = withApi({ role: "viewer", body: testBody, readOnly: true }, async ({ body }) => {
  const rules = await validateDraft(body.rules);
  return json(200, await testDraft(rules, body));
});

export const postRuleReplay: Handler = withApi({ role: "viewer", body: replayBody, readOnly: true }, async ({ body }) => {
  const rules = await validateDraft(body.rules);
  return json(200, await replayDraft(rules, body.limit));
});
