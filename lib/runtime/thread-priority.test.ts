import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { once } from "node:events";
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { threadId } from "./thread-priority";

const MODULE = path.join(__dirname, "thread-priority.ts");

describe.runIf(fs.existsSync("/proc/thread-self"))("lowerThreadPriority", () => {
  it("lowers the calling worker thread only, not the thread that serves", async () => {
    const before = os.getPriority();
    const w = new Worker(
      `require("tsx/cjs/api").register();
       const { parentPort, workerData } = require("node:worker_threads");
       const { lowerThreadPriority, threadId } = require(workerData.module);
       const nice = lowerThreadPriority();
       parentPort.postMessage({ nice, tid: threadId() });
       parentPort.once("message", () => process.exit(0));`,
      { eval: true, workerData: { module: MODULE } },
    );
    try {
      const [{ nice, tid }] = (await once(w, "message")) as [{ nice: number; tid: number }];
      expect(nice).toBe(10);
      expect(tid).not.toBe(threadId());
      // Read from this thread while the worker lives: the kernel's own figure for that thread.
      expect(os.getPriority(tid)).toBe(10);
      expect(os.getPriority()).toBe(before);
      expect(os.getPriority(threadId()!)).toBe(before);
    } finally {
      w.postMessage("end");
      await once(w, "exit");
    }
  });
});
