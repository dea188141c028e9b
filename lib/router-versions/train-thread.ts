/**
 * The training thread: one retraining (train.ts) off the server's event loop,
 * then the thread ends. Training reads the shipped data and fits a model for
 * a few seconds of CPU; on the main thread that would hold every request for
 * as long. Message in: a TrainJob (workerData); out: { result } or { error }.
 */
import { parentPort, workerData } from "node:worker_threads";
import { runTraining, type TrainJob } from "./train";
import { lowerThreadPriority } from "../runtime/thread-priority";

// Seconds of fitting that no request waits on: the serving thread goes first.
lowerThreadPriority();

try {
  parentPort!.postMessage({ result: runTraining((workerData as { job: TrainJob }).job) });
} catch (err) {
  parentPort!.postMessage({ error: (err as Error).message ?? String(err) });
}
