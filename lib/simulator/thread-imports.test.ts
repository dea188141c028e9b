/**
 * The simulator's thread starts with every server in simulator mode, so what
 * it loads is start-up time: it needs the simulator, the HTTP adapter and the
 * API's error shape, not the gateway (the SDK, Prisma, the cluster bus's
 * Redis client, OpenTelemetry, the answer validator). One import from the
 * adapter into the gateway once made its bundle 1.2 MB instead of 155 KB.
 */
import path from "node:path";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..", "..");

describe("the simulator thread's bundle", () => {
  it("loads none of the gateway's heavy packages", async () => {
    const result = await build({
      entryPoints: [path.join(root, "lib/simulator/thread.ts")],
      bundle: true,
      platform: "node",
      format: "cjs",
      target: "node20",
      packages: "external",
      write: false,
      metafile: true,
      outfile: path.join(root, ".thinkgate", "check.cjs"),
      tsconfig: path.join(root, "tsconfig.json"),
      logLevel: "silent",
    });
    const packages = new Set(Object.values(result.metafile.inputs).flatMap((i) => i.imports.filter((imp) => imp.external).map((imp) => imp.path)));
    for (const heavy of ["@anthropic-ai/sdk", "@prisma/client", "ioredis", "ajv", "@opentelemetry/sdk-node", "@opentelemetry/exporter-trace-otlp-http"]) {
      expect([...packages].filter((p) => p === heavy || p.startsWith(`${heavy}/`)), heavy).toEqual([]);
    }
    expect(Object.keys(result.metafile.inputs).length).toBeLessThan(80);
  });
});
