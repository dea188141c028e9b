/**
 * Where the hedge detector's annotated data lives and how it is split.
 * BioScope is read from ../shared at training and evaluation time (a user's
 * clone has no ../shared and needs only hedge-model.json); callers get null
 * when it is absent.
 */
import fs from "node:fs";
import path from "node:path";
import { fromLabelled, loadBioScope, trainHedgeModel, type AnnotatedSentence } from "./hedge-train";
import { loadLabelled } from "./signals-eval";

/** Whole papers never used for training: the detector's held-out test set. */
export const HEDGE_HELD_OUT_DOCS = ["bioscope-fp-1471-2105-8-249", "bioscope-fp-PMC1135298"] as const;
/** The labelled batch of reasoning sentences never used for training. */
export const HEDGE_HELD_OUT_SETS = ["holdout2"] as const;

export function bioscopePath(root: string): string {
  return path.resolve(root, "..", "shared", "data", "hedging", "bioscope_full_papers_speculation.jsonl");
}

export interface HedgeData {
  /** BioScope training papers + the team's training batches */
  train: AnnotatedSentence[];
  /** BioScope training papers only (for leave-one-paper-out cross-validation) */
  bioTrain: AnnotatedSentence[];
  teamTrain: AnnotatedSentence[];
  /** held-out papers */
  bioTest: AnnotatedSentence[];
  /** held-out batch of reasoning sentences */
  teamTest: AnnotatedSentence[];
}

export function hedgeTrainingSet(root: string): HedgeData | null {
  const file = bioscopePath(root);
  if (!fs.existsSync(file)) return null;
  const bio = loadBioScope(file);
  const team = fromLabelled(loadLabelled(path.join(root, "tests", "fixtures", "signals-labelled.jsonl")));
  const heldDoc = new Set<string>(HEDGE_HELD_OUT_DOCS);
  const heldSet = new Set<string>(HEDGE_HELD_OUT_SETS.map((s) => `team-${s}`));
  const bioTrain = bio.filter((s) => !heldDoc.has(s.doc));
  const teamTrain = team.filter((s) => !heldSet.has(s.doc));
  return {
    train: [...bioTrain, ...teamTrain],
    bioTrain,
    teamTrain,
    bioTest: bio.filter((s) => heldDoc.has(s.doc)),
    teamTest: team.filter((s) => heldSet.has(s.doc)),
  };
}

/** The text of hedge-model.json as scripts/train-hedges.ts writes it (shared with the test that keeps the file current). */
export function hedgeModelText(data: HedgeData): string {
  const file = trainHedgeModel(data.train, { sources: ["BioScope/full_papers", "tests/fixtures/signals-labelled.jsonl"], heldOutDocs: [...HEDGE_HELD_OUT_DOCS], heldOutSets: [...HEDGE_HELD_OUT_SETS] });
  return `${JSON.stringify(file, null, 1)}\n`;
}
