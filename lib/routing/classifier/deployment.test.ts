/**
 * The runtime's choice of model: the deployment's retrained model file when it
 * is there and valid, the shipped weights otherwise (with a warning when a
 * file exists but cannot be used).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { N_FEATURES } from "./features";
import { encodeWeights, probability } from "./linear";
import {
  activeModelInfo,
  activeThreshold,
  DEPLOYMENT_KIND,
  deploymentModelPath,
  featureSpaceId,
  loadModel,
  resetActiveModel,
  scoreOnly,
  SHIPPED_THRESHOLD,
  shippedModel,
} from "./model";
import { classifierStage } from "./index";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "thinkgate-router-model-"));
afterAll(() => {
  vi.unstubAllEnvs();
  resetActiveModel();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A tiny valid deployment model: bias 3, so every prompt scores high (unlike the shipped model). */
function deploymentFile(overrides: Record<string, unknown> = {}) {
  const w = new Float32Array(N_FEATURES);
  for (let i = 0; i < N_FEATURES; i += 997) w[i] = 0.01;
  w[N_FEATURES - 1] = 0.02;
  const file = encodeWeights(w, 3, { threshold: 0.77, method: "group-recall", target: 0.9, n: 12 }, {
    kind: DEPLOYMENT_KIND,
    trainedAt: "2025-11-25T12:00:00.000Z",
    featureSpace: featureSpaceId(),
    rows: { shippedTrain: 10, teamTrain: 2, total: 12 },
    ...overrides,
  });
  return file;
}

function write(name: string, content: string): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, content);
  return f;
}

describe("loadModel", () => {
  let warnings: string[];
  const warn = (m: string) => warnings.push(m);
  beforeEach(() => {
    warnings = [];
  });

  it("uses the shipped model, silently, when no deployment file exists", () => {
    const m = loadModel(path.join(dir, "missing.json"), warn);
    expect(m.info.source).toBe("shipped");
    expect(m.model).toBe(shippedModel());
    expect(m.info.threshold).toEqual(SHIPPED_THRESHOLD);
    expect(m.info.rows.shippedTrain).toBeGreaterThan(1000);
    expect(m.info.warning).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it("uses a valid deployment file", () => {
    const f = write("ok.json", JSON.stringify(deploymentFile()) + "\n");
    const m = loadModel(f, warn);
    expect(warnings).toEqual([]);
    expect(m.info).toMatchObject({ source: "deployment", path: f, trainedAt: "2025-11-25T12:00:00.000Z", rows: { shippedTrain: 10, teamTrain: 2, total: 12 } });
    expect(m.info.threshold.threshold).toBe(0.77);
    expect(m.model.bias).toBe(3);
    expect(probability(m.model, "hello")).toBeGreaterThan(0.9);
  });

  const malformed: [string, () => string][] = [
    ["not JSON", () => '{"format": "thinkgate-linear-v1", '],
    ["empty", () => ""],
    ["a JSON array", () => "[]"],
    ["the shipped file (not a deployment model)", () => fs.readFileSync(path.join(__dirname, "weights.json"), "utf8")],
    ["another feature space", () => JSON.stringify(deploymentFile({ featureSpace: "fs1-0000000000000000" }))],
    ["missing row counts", () => JSON.stringify(deploymentFile({ rows: undefined }))],
    ["another hash size", () => JSON.stringify({ ...deploymentFile(), hashBits: 16 })],
    ["truncated values", () => JSON.stringify({ ...deploymentFile(), values: deploymentFile().values.slice(0, 8) })],
    ["too many weights", () => JSON.stringify({ ...deploymentFile(), nnz: deploymentFile().nnz + 1 })],
    ["garbage base64", () => JSON.stringify({ ...deploymentFile(), indices: "!!!!" })],
    ["a threshold out of range", () => JSON.stringify({ ...deploymentFile(), threshold: { threshold: 7, method: "manual" } })],
    ["a non-finite scale", () => JSON.stringify({ ...deploymentFile(), scale: null })],
  ];
  for (const [what, content] of malformed) {
    it(`falls back to the shipped model with a warning on ${what}`, () => {
      const f = write(`bad-${what.replace(/\W+/g, "-")}.json`, content());
      const m = loadModel(f, warn);
      expect(m.info.source).toBe("shipped");
      expect(m.model).toBe(shippedModel());
      expect(m.info.warning).toContain(f);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/using the shipped model/);
    });
  }

  it("falls back when the path cannot be read (a directory)", () => {
    const m = loadModel(dir, warn);
    expect(m.info.source).toBe("shipped");
    expect(warnings).toHaveLength(1);
  });
});

describe("the active model (what the gateway scores with)", () => {
  it("is read from THINKGATE_ROUTER_MODEL, defaulting to ./data/router-model.json", () => {
    expect(deploymentModelPath({})).toBe(path.resolve("data/router-model.json"));
    expect(deploymentModelPath({ THINKGATE_ROUTER_MODEL: "/x/y.json" })).toBe("/x/y.json");
  });

  it("follows the deployment file and reports which model is in use", () => {
    const text = "What is the capital of Australia?";
    vi.stubEnv("THINKGATE_ROUTER_MODEL", path.join(dir, "absent.json"));
    resetActiveModel();
    expect(activeModelInfo().source).toBe("shipped");
    expect(activeThreshold()).toEqual(SHIPPED_THRESHOLD);
    const shippedScore = scoreOnly(text);
    expect(shippedScore).toBe(probability(shippedModel(), text));

    const f = write("active.json", JSON.stringify(deploymentFile()));
    vi.stubEnv("THINKGATE_ROUTER_MODEL", f);
    resetActiveModel();
    expect(activeModelInfo()).toMatchObject({ source: "deployment", path: f, rows: { total: 12 } });
    expect(activeThreshold().threshold).toBe(0.77);
    expect(scoreOnly(text)).not.toBe(shippedScore);
    expect(classifierStage(text, 0.5).score).toBe(scoreOnly(text));

    fs.writeFileSync(f, "{broken");
    resetActiveModel();
    expect(activeModelInfo().source).toBe("shipped");
    expect(activeModelInfo().warning).toMatch(/not a usable router model/);
    expect(classifierStage(text, 0.5).score).toBe(shippedScore);
  });
});
