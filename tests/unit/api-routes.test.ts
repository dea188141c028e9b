import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { routeFiles } from "../../scripts/gen-api-routes";

const ROOT = path.resolve(__dirname, "../..");

function existingRouteFiles(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) existingRouteFiles(p, out);
    else if (e.name === "route.ts") out.push(path.relative(ROOT, p));
  }
  return out;
}

describe("app/api route files", () => {
  it("match the API route table one to one (run scripts/gen-api-routes.ts after changing it)", () => {
    const expected = routeFiles();
    const actual = existingRouteFiles(path.join(ROOT, "app/api")).sort();
    expect(actual).toEqual([...expected.keys()].sort());
    for (const [file, body] of expected) expect(fs.readFileSync(path.join(ROOT, file), "utf8")).toBe(body);
  });
});
