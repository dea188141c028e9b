import { describe, expect, it } from "vitest";
import { AppError } from "./errors";
import { parseJsonText } from "./json-body";
import { parseLargeJson } from "./large-json";

const bytesOf = (text: string) => {
  // A buffer that owns all of its memory, as a large request body's does.
  const b = Buffer.allocUnsafeSlow(Buffer.byteLength(text));
  b.write(text);
  return b;
};

/** The 400 parseJsonText gives for `text`, to compare the thread's with. */
function inProcessError(text: string): string {
  try {
    parseJsonText(text);
  } catch (err) {
    return (err as AppError).message;
  }
  throw new Error("expected a refusal");
}

describe("parseLargeJson", () => {
  const big = { model: "claude-sonnet-4-6", max_tokens: 64, messages: [{ role: "user", content: "é中😀 long prompt ".repeat(100_000) }], n: [1, 2.5, null, true] };

  it("parses on its thread to the value JSON.parse gives, taking the body's memory over instead of copying it", async () => {
    const bytes = bytesOf(JSON.stringify(big));
    const value = await parseLargeJson(bytes);
    expect(value).toEqual(big);
    // Transferred: the request's buffer is empty on this side now.
    expect(bytes.buffer.byteLength).toBe(0);
  });

  it("keeps each of several parses in flight apart", async () => {
    const values = Array.from({ length: 4 }, (_, i) => ({ i, text: `${i} `.repeat(50_000) }));
    const out = await Promise.all(values.map((v) => parseLargeJson(bytesOf(JSON.stringify(v)))));
    expect(out).toEqual(values);
  });

  it("refuses what every JSON body is refused for, with the same 400", async () => {
    const pad = " ".repeat(1 << 20);
    for (const text of [`{"a": ${pad}`, `${pad}${"[".repeat(100)}${"]".repeat(100)}`, `{"__proto__": {"x": 1}, "p": "${pad}"}`, pad]) {
      const err = await parseLargeJson(bytesOf(text)).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).status).toBe(400);
      expect((err as AppError).message).toBe(inProcessError(text));
    }
  });

  it("refuses bytes that are not UTF-8", async () => {
    const bytes = bytesOf(`{"a": "${"x".repeat(1 << 20)}"}`);
    bytes[10] = 0xff;
    await expect(parseLargeJson(bytes)).rejects.toMatchObject({ status: 400, message: "request body is not valid UTF-8" });
  });
});
