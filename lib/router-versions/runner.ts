/**
 * Runs a retraining on a thread of its own (train-thread.ts), one at a time
 * per instance. The thread runs the TypeScript source through tsx's require
 * hook, as the record thread does when the server runs from source: the
 * trainer reads the shipped data beside its source files, which a bundle
 * does not carry (and the server bundle does not import the trainer: its
 * data paths come from import.meta). Where the source cannot be found,
 * retraining answers with an error that says so.
 */
import fs from "node:fs";
import path from "node:path";
import { AppError } from "../api/errors";
import { startThread } from "../runtime/threads";
import type { TrainJob, TrainOutcome } from "./train";

/** The thread's source file: beside this module when it runs from source, else under the working directory (the bundled server runs from the repository root). */
function threadEntry(): string | null {
  const candidates = [
    path.join(/* turbopackIgnore: true */ __dirname, "train-thread.ts"),
    path.join(/* turbopackIgnore: true */ process.cwd(), "lib/router-versions/train-thread.ts"),
  ];
  return candidates.find((f) => fs.existsSync(/* turbopackIgnore: true */ f)) ?? null;
}

let running = false;

/** Trains a candidate; a 409 while another retraining runs on this instance. */
export async function train(job: TrainJob): Promise<TrainOutcome> {
  if (running) throw new AppError("conflict_error", "a retraining is already running on this instance; wait for it to finish");
  running = true;
  try {
    const entry = threadEntry();
    if (!entry) throw new AppError("api_error", "retraining needs the source tree beside the server (lib/router-versions/train-thread.ts and the shipped data); start the server from a checkout");
    return await onThread(entry, job);
  } finally {
    running = false;
  }
}

function onThread(entry: string, job: TrainJob): Promise<TrainOutcome> {
  return new Promise((resolve, reject) => {
    const w = startThread({ file: entry, fromSource: true }, { workerData: { job } });
    let settled = false;
    w.once("message", (m: { result: TrainOutcome } | { error: string }) => {
      settled = true;
      if ("error" in m) reject(new AppError("api_error", `retraining failed: ${m.error}`));
      else resolve(m.result);
    });
    w.once("error", (err) => {
      if (settled) return;
      settled = true;
      reject(new AppError("api_error", `retraining failed: ${err.message}`));
    });
    w.once("exit", (code) => {
      if (!settled) reject(new AppError("api_error", `retraining thread ended (code ${code}) without a result`));
    });
  });
}
