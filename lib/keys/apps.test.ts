import { describe, expect, it } from "vitest";
import { AppError } from "../api/errors";
import { fromAppsColumn, keyAppsSchema, requestApp, toAppsColumn } from "./apps";

function refusal(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error("expected a refusal");
}

describe("the app a key's request is counted for", () => {
  it("is whatever the header names, or none, for an unbound key (as before keys had apps)", () => {
    expect(requestApp("anything", null)).toBe("anything");
    expect(requestApp("anything", undefined)).toBe("anything");
    expect(requestApp(undefined, null)).toBeUndefined();
  });

  it("is the named app when the key has it, spelt as the key has it", () => {
    expect(requestApp("faq-bot", ["faq-bot", "triage"])).toBe("faq-bot");
    expect(requestApp("TRIAGE", ["faq-bot", "triage"])).toBe("triage");
  });

  it("is the key's first app when the request names none", () => {
    expect(requestApp(undefined, ["faq-bot", "triage"])).toBe("faq-bot");
  });

  it("refuses another app with a 403 permission_error naming the header and the key's apps", () => {
    const err = refusal(() => requestApp("billing", ["faq-bot", "triage"]));
    expect(err).toMatchObject({ type: "permission_error", status: 403 });
    expect(err.message).toMatch(/thinkgate-app header names "billing".*"faq-bot", "triage"/);
    expect(refusal(() => requestApp("faq-bot", [])).message).toMatch(/may not be used for any app/);
  });
});

describe("a key's apps as stored", () => {
  it("round-trips, null being any app", () => {
    expect(fromAppsColumn(toAppsColumn(["faq-bot", "triage"]))).toEqual(["faq-bot", "triage"]);
    expect(toAppsColumn(null)).toBeNull();
    expect(fromAppsColumn(null)).toBeNull();
  });

  it("reads a value that is no binding as no app, never as any", () => {
    expect(fromAppsColumn("not json")).toEqual([]);
    expect(fromAppsColumn('{"a":1}')).toEqual([]);
  });

  it("takes app names as Settings → Apps does, each once", () => {
    expect(keyAppsSchema.safeParse(["faq-bot", " triage "]).data).toEqual(["faq-bot", "triage"]);
    expect(keyAppsSchema.safeParse([]).success).toBe(false);
    expect(keyAppsSchema.safeParse(["faq bot"]).success).toBe(false);
    expect(keyAppsSchema.safeParse(["a", "A"]).success).toBe(false);
  });
});

describe("an app's name", () => {
  it("is not '.' or '..', which a URL path resolves to another path; names with dots in them are names", () => {
    for (const name of [".", "..", " .. "]) {
      const parsed = keyAppsSchema.safeParse([name]);
      expect(parsed.success, name).toBe(false);
      expect(parsed.error?.issues[0]).toMatchObject({ path: [0], message: expect.stringMatching(/'\.' and '\.\.' are not names/) });
    }
    expect(keyAppsSchema.parse(["...", "v1.2", ".hidden"])).toEqual(["...", "v1.2", ".hidden"]);
  });

  it("as stored before '.' and '..' were refused still binds its key to it (read as none, every request would be refused)", () => {
    expect(fromAppsColumn(JSON.stringify(["..", "faq-bot"]))).toEqual(["..", "faq-bot"]);
  });
});
