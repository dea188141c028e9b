import { describe, expect, it } from "vitest";
import { safeNext } from "./safe-next";

describe("safeNext: a post-sign-in destination stays on this origin", () => {
  it("keeps paths on this origin, with their query and fragment", () => {
    expect(safeNext("/traces?route=reasoning#top")).toBe("/traces?route=reasoning#top");
    expect(safeNext("/settings")).toBe("/settings");
    expect(safeNext("/a/../costs")).toBe("/costs");
  });

  it("sends anything that a browser would resolve to another origin home", () => {
    for (const hostile of ["//evil.example", "/\\evil.example", "/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", "/ /evil.example".replace(" ", "\t"), "https://evil.example", "javascript:alert(1)", "evil.example", "", null, undefined]) {
      expect(safeNext(hostile), JSON.stringify(hostile)).toBe("/");
    }
  });

  it("never returns a path a browser reads as another origin once dot segments are resolved", () => {
    // "/..//evil.example" is a path on this origin whose normalised form, "//evil.example", is a network-path reference:
    // the login page redirected there and its form did window.location.assign() to it.
    for (const hostile of ["/..//evil.example", "/.//evil.example/x", "/a/..//evil.example", "/%2e%2e//evil.example", "/./\\evil.example", "/..\\/evil.example"]) {
      const out = safeNext(hostile);
      expect(out, JSON.stringify(hostile)).not.toMatch(/^\/\//);
      expect(new URL(out, "https://other.example/").origin, JSON.stringify(hostile)).toBe("https://other.example");
    }
  });

  it("never returns a control character a redirect header cannot carry", () => {
    for (const raw of ["/\n/x", "/x\ny", "/x\r\nSet-Cookie: a=b", "/%0A/x"]) {
      const out = safeNext(raw);
      expect(out, JSON.stringify(raw)).not.toMatch(/[\u0000-\u001f\u007f]/);
      expect(new URL(out, "http://thinkgate.invalid").origin).toBe("http://thinkgate.invalid");
    }
  });
});
