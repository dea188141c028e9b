import { describe, expect, it } from "vitest";
import { AppError } from "../api/errors";
import { parseBatchBody } from "./validate";

const params = { model: "claude-sonnet-4-6", max_tokens: 64, messages: [{ role: "user", content: "hi" }] };
const item = (custom_id: unknown, p: unknown = params) => ({ custom_id, params: p });

async function refusal(body: unknown, headers: Record<string, string> = {}): Promise<string> {
  const err = await parseBatchBody(body, headers).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).status).toBe(400);
  expect((err as AppError).type).toBe("invalid_request_error");
  return (err as AppError).message;
}

describe("parseBatchBody", () => {
  it("accepts 1 to 100,000 items with unique custom ids, keeping their params as sent", async () => {
    const items = await parseBatchBody({ requests: [item("a"), item("B-2_x"), item("x".repeat(64), { ...params, stream: false, metadata: { user_id: "u" } })] }, {});
    expect(items.map((i) => i.customId)).toEqual(["a", "B-2_x", "x".repeat(64)]);
    expect(items[2]!.params).toMatchObject({ stream: false, metadata: { user_id: "u" } });
  });

  it("refuses a body without requests, an empty list and one over the limit", async () => {
    expect(await refusal({})).toBe("requests: Field required");
    expect(await refusal({ requests: "x" })).toBe("requests: Input should be a valid list");
    expect(await refusal({ requests: [] })).toMatch(/at least 1 item/);
    expect(await refusal({ requests: new Array(100_001).fill(0) })).toMatch(/at most 100000 items/);
    expect(await refusal({ requests: [item("a")], extra: 1 })).toBe("extra: Extra inputs are not permitted");
  });

  it("names the item whose custom_id is missing, malformed, too long or repeated", async () => {
    expect(await refusal({ requests: [item("a"), { params }] })).toBe("requests.1.custom_id: Field required");
    expect(await refusal({ requests: [item("a b")] })).toMatch(/^requests\.0\.custom_id: must be 1 to 64 characters/);
    expect(await refusal({ requests: [item("")] })).toMatch(/^requests\.0\.custom_id/);
    expect(await refusal({ requests: [item("x".repeat(65))] })).toMatch(/^requests\.0\.custom_id/);
    expect(await refusal({ requests: [item(7)] })).toMatch(/^requests\.0\.custom_id/);
    expect(await refusal({ requests: [item("a"), item("b"), item("a")] })).toBe('requests.2.custom_id: "a" is used by an earlier request; custom_id must be unique within a batch');
    expect(await refusal({ requests: [item("a"), 5] })).toBe("requests.1: Input should be a valid dictionary");
    expect(await refusal({ requests: [{ custom_id: "a", params, extra: 1 }] })).toBe("requests.0.extra: Extra inputs are not permitted");
  });

  it("checks each item's params as a Messages body, naming the item and its custom_id", async () => {
    expect(await refusal({ requests: [item("a"), { custom_id: "b" }] })).toBe('requests.1 (custom_id "b").params: Field required');
    expect(await refusal({ requests: [item("a", { ...params, max_tokens: undefined })] })).toBe('requests.0 (custom_id "a").params: max_tokens: Field required');
    expect(await refusal({ requests: [item("a", { ...params, messages: [] })] })).toMatch(/^requests\.0 \(custom_id "a"\)\.params: messages: at least one message/);
    expect(await refusal({ requests: [item("a", { ...params, thinking: { type: "sometimes" } })] })).toMatch(/^requests\.0 \(custom_id "a"\)\.params: thinking\.type must be one of/);
    expect(await refusal({ requests: [item("a", { ...params, stream: true })] })).toMatch(/^requests\.0 \(custom_id "a"\)\.params\.stream: batch requests cannot be streamed/);
  });

  it("refuses a bad thinkgate header once, for the batch, not for an item", async () => {
    expect(await refusal({ requests: [item("a")] }, { "thinkgate-tier": "fast" })).toBe("thinkgate-tier must be one of reasoning, standard, auto");
  });
});
