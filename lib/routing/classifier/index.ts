/**
 * The classifier stage of the router pipeline (ARCHITECTURE.md, stage 5).
 * The eval script and /api/v1/route call the same function, so what the eval
 * measures is what the gateway decides.
 *
 * Input: the text to judge, typically the latest user turn (optionally with
 * the system prompt); the caller extracts it from the Messages request.
 * Decision: reasoning iff score >= threshold. The threshold belongs to the
 * deployment (calibrated by target share or target recall, calibrate.ts);
 * SHIPPED_THRESHOLD is the default calibrated at training time. The model is
 * the active one (model.ts): the deployment's retrained model when installed,
 * else the shipped one.
 */
import { activeModel, SHIPPED_THRESHOLD } from "./model";
import { scoreWith, type TopFeature } from "./linear";
import { DIFFICULTY_TIERS, type Difficulty } from "./tier";

export {
  activeModel,
  activeModelInfo,
  activeThreshold,
  deploymentModelPath,
  installModel,
  resetActiveModel,
  score,
  scoreOnly,
  shippedModel,
  SHIPPED_THRESHOLD,
  SHIPPED_TRAINING,
  type ActiveModelInfo,
} from "./model";
export { DIFFICULTY_TIERS, difficultyOf, type Difficulty, type TierConfig } from "./tier";
export { keywordRules, type KeywordDecision } from "./keywords";
export {
  calibrateDeployment,
  confusionAt,
  shareNeededForRecall,
  sweep,
  thresholdForGroupRecall,
  thresholdForRecall,
  thresholdForShare,
  type DeploymentThreshold,
  type ScoredItem,
} from "./calibrate";
export type { ScoreResult, TopFeature } from "./linear";

/** The shipped default threshold (a deployment model carries its own: activeThreshold()). */
export const DEFAULT_THRESHOLD: number = SHIPPED_THRESHOLD.threshold;

export interface ClassifierDecision {
  tier: "reasoning" | "standard";
  /** P(reasoning-worthy), in [0, 1]. */
  score: number;
  /** How much thinking, if it reasons: maps to DIFFICULTY_TIERS (budget_tokens or effort). */
  difficulty: Difficulty;
  /** One line for the decision record and the UI. */
  reason: string;
  /** The features that moved the score most (positive = towards reasoning). */
  top: TopFeature[];
}

export function classifierStage(text: string, threshold: number): ClassifierDecision {
  const r = scoreWith(activeModel(), text, 3);
  const tier = r.score >= threshold ? "reasoning" : "standard";
  const signs = r.top.map((t) => `${t.weight >= 0 ? "+" : "-"}${t.feature}`).join(", ");
  const budget = DIFFICULTY_TIERS[r.tier];
  const reason =
    `classifier: p=${r.score.toFixed(3)} ${tier === "reasoning" ? ">=" : "<"} ${threshold.toFixed(3)} -> ${tier}` +
    (tier === "reasoning" ? `, ${r.tier} (${budget.budgetTokens} thinking tokens / effort ${budget.effort})` : "") +
    (signs ? `; top: ${signs}` : "");
  return { tier, score: r.score, difficulty: r.tier, reason, top: r.top };
}
