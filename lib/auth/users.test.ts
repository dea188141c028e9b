import { describe, expect, it } from "vitest";
import { changeEndsSessions } from "./users";

describe("which user changes end the user's sessions", () => {
  const editor = { role: "editor" as const, disabledAt: null };
  const disabled = { role: "editor" as const, disabledAt: new Date() };

  it("a new password, a new role or disabling the account ends them", () => {
    expect(changeEndsSessions(editor, { password: "a-long-password-2" })).toBe(true);
    expect(changeEndsSessions(editor, { role: "viewer" })).toBe(true);
    expect(changeEndsSessions(editor, { role: "admin" })).toBe(true);
    expect(changeEndsSessions(editor, { disabled: true })).toBe(true);
    expect(changeEndsSessions(disabled, { disabled: false, password: "a-long-password-2" })).toBe(true);
  });

  it("the same role, enabling, or leaving a disabled account disabled ends nothing", () => {
    expect(changeEndsSessions(editor, { role: "editor" })).toBe(false);
    expect(changeEndsSessions(editor, { disabled: false })).toBe(false);
    expect(changeEndsSessions(disabled, { disabled: false })).toBe(false);
    expect(changeEndsSessions(disabled, { disabled: true })).toBe(false);
  });
});
