import { describe, expect, it } from "vitest";
import { showBidiControls } from "./bidi";

describe("showBidiControls", () => {
  it("shows a right-to-left override as a visible escape, so the name reads in the order it was sent", () => {
    expect(showBidiControls("invoice\u202Egpj.exe")).toBe("invoice‹U+202E›gpj.exe");
  });

  it("shows every bidi mark, embedding, override and isolate, and nothing else", () => {
    const controls = ["\u061C", "\u200E", "\u200F", "\u202A", "\u202B", "\u202C", "\u202D", "\u202E", "\u2066", "\u2067", "\u2068", "\u2069"];
    expect(showBidiControls(controls.join(""))).toBe(
      "‹U+061C›‹U+200E›‹U+200F›‹U+202A›‹U+202B›‹U+202C›‹U+202D›‹U+202E›‹U+2066›‹U+2067›‹U+2068›‹U+2069›",
    );
    // Neighbours of the ranges, right-to-left letters and other invisible characters are text, not controls.
    for (const plain of ["\u200D", "\u2029", "\u202F", "\u2065", "\u206A", "שלום", "مرحبا", "naïve café", "a\tb\nc"]) {
      expect(showBidiControls(plain)).toBe(plain);
    }
  });

  it("leaves empty and absent text as it is", () => {
    expect(showBidiControls("")).toBe("");
    expect(showBidiControls(null)).toBeNull();
    expect(showBidiControls(undefined)).toBeUndefined();
  });
});
