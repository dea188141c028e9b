/**
 * What real clients reach at the paths thinkgate serves and at the ones it
 * does not. A client configured the API's own way, with the host's root as
 * its base URL, is served as if it had named /api. A path no route serves is
 * a 404 the SDK can read (it was the web app's HTML page), and the APIs
 * thinkgate does not relay (Files, OpenAI's Responses) say
 * so, in the shape of the client's API.
 */
import Anthropic, { NotFoundError } from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../support/server";

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server?.stop();
});

describe(`paths (${process.env.THINKGATE_TEST_DB ?? "sqlite"})`, () => {
  it("serves an SDK whose base URL is the host's root, as the API's own is: /v1/messages, count_tokens and the model list", async () => {
    const client = new Anthropic({ baseURL: server.url, apiKey: server.adminKey, maxRetries: 0 });
    const { data, response } = await client.messages
      .create({ model: "claude-sonnet-4-6", max_tokens: 64, messages: [{ role: "user", content: "Say hello." }] })
      .withResponse();
    expect(data.type).toBe("message");
    expect(response.headers.get("thinkgate-stage")).toBeTruthy();
    const counted = await client.messages.countTokens({ model: "claude-sonnet-4-6", messages: [{ role: "user", content: "Say hello." }] });
    expect(counted.input_tokens).toBeGreaterThan(0);
    const models = await client.models.list();
    expect(models.data.length).toBeGreaterThan(0);
  });

  it("serves an OpenAI client whose base URL is the host's /v1", async () => {
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: server.adminKey, maxRetries: 0 });
    const done = await client.chat.completions.create({ model: "claude-sonnet-4-6", max_tokens: 64, messages: [{ role: "user", content: "Say hello." }] });
    expect(done.choices[0]?.message.content).toBeTruthy();
  });

  it("serves the Message Batches API to an SDK whose base URL is the host's root (tests/integration/batches.test.ts covers it whole)", async () => {
    const client = new Anthropic({ baseURL: server.url, apiKey: server.adminKey, maxRetries: 0 });
    const page = await client.messages.batches.list({ limit: 1 });
    expect(Array.isArray(page.data)).toBe(true);
  });

  it("serves the Files API to an SDK whose base URL is the host's root (tests/integration/files.test.ts covers it whole)", async () => {
    const client = new Anthropic({ baseURL: server.url, apiKey: server.adminKey, maxRetries: 0 });
    const page = await client.beta.files.list({ limit: 1 });
    expect(Array.isArray(page.data)).toBe(true);
    const err = await client.beta.files.retrieveMetadata("file_nonexistent").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
  });

  it("answers OpenAI's Embeddings API in OpenAI's error shape, naming the endpoints that are served", async () => {
    const client = new OpenAI({ baseURL: `${server.baseURL}/v1`, apiKey: server.adminKey, maxRetries: 0 });
    const err = await client.embeddings.create({ model: "claude-sonnet-4-6", input: "hi" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    const e = err as InstanceType<typeof OpenAI.NotFoundError>;
    expect(e.type).toBe("invalid_request_error");
    expect(e.message).toMatch(/\/v1\/chat\/completions, POST \/v1\/responses/);
  });

  it("answers OpenAI's stored-object calls (a response or a chat completion by id) in OpenAI's error shape, saying nothing is stored", async () => {
    const client = new OpenAI({ baseURL: `${server.baseURL}/v1`, apiKey: server.adminKey, maxRetries: 0 });
    for (const call of [
      () => client.responses.retrieve("resp_123"),
      () => client.responses.inputItems.list("resp_123"),
      () => client.responses.delete("resp_123"),
      () => client.chat.completions.retrieve("chatcmpl_123"),
    ]) {
      const err = await call().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.NotFoundError);
      const e = err as InstanceType<typeof OpenAI.NotFoundError>;
      expect(e.type).toBe("invalid_request_error");
      expect(e.message).toMatch(/does not store responses or chat completions/);
    }
  });

  it("answers OpenAI's Files API in OpenAI's error shape: /v1/files is the Anthropic Files API only for Anthropic clients", async () => {
    const client = new OpenAI({ baseURL: `${server.baseURL}/v1`, apiKey: server.adminKey, maxRetries: 0 });
    const err = await client.files.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect((err as InstanceType<typeof OpenAI.NotFoundError>).type).toBe("invalid_request_error");
    expect((err as Error).message).toMatch(/\/files is not served/);
  });

  it("answers a method the OpenAI endpoints do not take (the SDK's chat.completions.list()) in OpenAI's error shape", async () => {
    const client = new OpenAI({ baseURL: `${server.baseURL}/v1`, apiKey: server.adminKey, maxRetries: 0 });
    const err = await client.chat.completions.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(405);
    expect((err as InstanceType<typeof OpenAI.APIError>).error).toEqual({ message: expect.stringMatching(/GET is not supported on \/v1\/chat\/completions: send POST; thinkgate stores no/), type: "invalid_request_error", param: null, code: null });
    const put = await fetch(`${server.url}/v1/responses`, { method: "PUT", headers: { authorization: `Bearer ${server.adminKey}` } });
    expect(put.status).toBe(405);
    expect(((await put.json()) as { error: { type: string; param: null } }).error).toMatchObject({ type: "invalid_request_error", param: null });
    // An Anthropic client's wrong method stays in the Messages API's shape.
    const anthropic = await fetch(`${server.url}/api/v1/messages`, { method: "GET", headers: { "x-api-key": server.adminKey, "anthropic-version": "2023-06-01" } });
    expect(anthropic.status).toBe(405);
    expect(((await anthropic.json()) as { type: string }).type).toBe("error");
  });

  it("answers any other /api path no route serves with a JSON 404 in the API's shape, not the web app's page", async () => {
    const res = await fetch(`${server.url}/api/v1/nothing-here`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
    const body = (await res.json()) as { type: string; error: { type: string; message: string } };
    expect(body).toMatchObject({ type: "error", error: { type: "not_found_error", message: "no API route for POST /api/v1/nothing-here" } });
  });

  it("answers a page path that is not valid percent-encoding with a 400 (the web app's router answered a 500)", async () => {
    for (const path of ["/traces/%ff", "/traces/%E0%A4%A", "/%zz?x=1"]) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status, path).toBe(400);
      expect(await res.text()).toMatch(/not valid percent-encoding/);
    }
    // A query string is not the path: "%" there is the page's business.
    expect((await fetch(`${server.url}/nowhere?q=%ff`)).status).toBe(404);
  });
});
