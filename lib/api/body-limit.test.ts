import { describe, expect, it } from "vitest";
import { z } from "zod";
import { BodyBytes, LARGE_BODY_BYTES, readWebBody } from "./body-limit";
import { json } from "./http";
import { toNextHandler } from "./next-adapter";
import { withApi } from "./wrap";

const post = (body: BodyInit, headers: Record<string, string> = {}) =>
  new Request("http://127.0.0.1/api/x", { method: "POST", body, headers, duplex: "half" } as RequestInit);

/** A body with no Content-Length: sent in chunks, as a client streaming an upload would. */
function chunked(parts: number, size: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(c) {
      if (sent++ === parts) return c.close();
      c.enqueue(new Uint8Array(size).fill(0x61));
    },
  });
}

describe("BodyBytes", () => {
  /** `text` as UTF-8, cut into network-read-sized chunks (some cuts fall inside a character). */
  const chunksOf = (text: string, size: number) => {
    const bytes = Buffer.from(text);
    const out: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += size) out.push(Buffer.from(bytes.subarray(i, i + size)));
    return out;
  };
  const collect = (chunks: Buffer[], declared: number | null) => {
    const b = new BodyBytes(declared);
    for (const c of chunks) b.push(c);
    return b;
  };
  const large = `{"a":"${"é中😀x".repeat(Math.ceil(LARGE_BODY_BYTES / 5))}"}`;

  it("gives back every byte in order, with and without a declared length, small and large", () => {
    for (const text of ['{"a":"é"}', large]) {
      const declared = Buffer.byteLength(text);
      for (const d of [declared, null]) {
        const b = collect(chunksOf(text, 65_531), d);
        expect(b.length).toBe(declared);
        expect(b.whole().toString("utf8")).toBe(text);
      }
    }
  });

  it("keeps every byte when more arrive than were declared", () => {
    const b = collect(chunksOf(large, 65_536), LARGE_BODY_BYTES + 1);
    expect(b.whole().toString("utf8")).toBe(large);
  });
});

describe("readWebBody", () => {
  it("reads a body within the limit as text", async () => {
    expect(await readWebBody(post('{"a":"é"}'), 100)).toBe('{"a":"é"}');
  });

  it("refuses a declared Content-Length over the limit before reading", async () => {
    await expect(readWebBody(post("x".repeat(50), { "content-length": "5000" }), 100)).rejects.toMatchObject({ type: "request_too_large", status: 413 });
  });

  it("refuses a streamed body once it passes the limit", async () => {
    await expect(readWebBody(post(chunked(10, 64)), 100)).rejects.toMatchObject({ type: "request_too_large" });
    expect(await readWebBody(post(chunked(1, 64)), 100)).toBe("a".repeat(64));
  });

  it("refuses a body that is not UTF-8", async () => {
    await expect(readWebBody(post(new Uint8Array([0x7b, 0xff, 0x7d])), 100)).rejects.toMatchObject({ type: "invalid_request_error", status: 400 });
  });
});

describe("Next route handlers", () => {
  it("answer an oversize body with 413 in the API's error shape, like the lean path", async () => {
    process.env.THINKGATE_MAX_BODY_BYTES = String(1 << 20);
    const handler = toNextHandler(withApi({ body: z.object({ a: z.string() }) }, async ({ body }) => json(200, body)));
    const ok = await handler(post('{"a":"b"}', { "content-type": "application/json" }));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ a: "b" });
    const big = await handler(post(chunked(40, 64 * 1024), { "content-type": "application/json" }));
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ type: "error", error: { type: "request_too_large" } });
    delete process.env.THINKGATE_MAX_BODY_BYTES;
  });
});
