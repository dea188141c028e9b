/**
 * The Files API through thinkgate, with the official SDK as the client and
 * the simulator upstream: uploads relayed as they arrive, a file seen only
 * by the key that uploaded it (admins see all), a Messages request naming
 * an uploaded file, and the limits. Runs once on SQLite and once on
 * PostgreSQL.
 */
import http from "node:http";
import Anthropic, { APIError, BadRequestError, NotFoundError, toFile } from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backdate, queryDb } from "../support/db";
import { createGatewayKey, eventually, startServer, type TestServer } from "../support/server";

let server: TestServer;
let owner: Anthropic;
let other: Anthropic;
let admin: Anthropic;

/** Set low so the limit is tested without moving hundreds of megabytes. */
const MAX_FILE_BYTES = 4 * 1024 * 1024;

const sdk = (key: string) => new Anthropic({ baseURL: server.baseURL, apiKey: key, maxRetries: 0 });

beforeAll(async () => {
  // The retention sweep every second: a file that expired is forgotten in the test's time.
  server = await startServer({ env: { THINKGATE_MAX_FILE_BYTES: String(MAX_FILE_BYTES), THINKGATE_RETENTION_SWEEP_MS: "1000" } });
  owner = sdk(await createGatewayKey(server, "file owner"));
  other = sdk(await createGatewayKey(server, "someone else"));
  admin = sdk(server.adminKey);
});

afterAll(async () => {
  await server?.stop();
});

describe(`the Files API through thinkgate (${process.env.THINKGATE_TEST_DB ?? "sqlite"})`, () => {
  const text = "Quarterly report. Revenue grew 12% to $4.1M; churn fell to 2.3%.\n".repeat(50);
  let fileId: string;

  it("uploads a file, relayed as it came: the SDK gets the upstream's metadata, and thinkgate keeps who uploaded it", async () => {
    const file = await owner.files.upload({ file: await toFile(Buffer.from(text), "report.txt", { type: "text/plain" }), expires_in_seconds: 86_400 });
    expect(file).toMatchObject({ type: "file", filename: "report.txt", mime_type: "text/plain", size_bytes: Buffer.byteLength(text), downloadable: false });
    expect(Date.parse(file.expires_at!) - Date.parse(file.created_at)).toBe(86_400_000);
    expect(file.id).toMatch(/^file_/);
    fileId = file.id;
    const rows = await queryDb<{ id: string; keyId: string | null; filename: string; sizeBytes: number }>(server, `SELECT "id", "keyId", "filename", "sizeBytes" FROM "UploadedFile"`);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: fileId, filename: "report.txt", sizeBytes: Buffer.byteLength(text) });
    expect(rows[0]!.keyId).not.toBeNull();
  });

  it("keeps a non-ASCII filename as sent, in the upload's answer, the list and the metadata", async () => {
    const name = "résumé 📄.txt";
    const up = await owner.files.upload({ file: await toFile(Buffer.from("cv"), name, { type: "text/plain" }) });
    expect(up.filename).toBe(name);
    expect((await owner.files.list({ ids: [up.id] })).data[0]!.filename).toBe(name);
    expect((await owner.files.retrieveMetadata(up.id)).filename).toBe(name);
    await owner.files.delete(up.id);
  });

  it("a Messages request names the uploaded file in a document block and is answered", async () => {
    const message = await owner.messages.create({
      model: "claude-sonnet-4-6",
      max_tokens: 256,
      messages: [{ role: "user", content: [{ type: "document", source: { type: "file", file_id: fileId } }, { type: "text", text: "What was the revenue growth?" }] }],
    });
    expect(message.content.some((b) => b.type === "text")).toBe(true);
  });

  it("lists and retrieves the file for the key that uploaded it, and for an admin; another key gets the 404 of an unknown id", async () => {
    const mine = await owner.files.list();
    expect(mine.data.map((f) => f.id)).toEqual([fileId]);
    expect(mine.data[0]).toMatchObject({ filename: "report.txt", size_bytes: Buffer.byteLength(text) });
    // The key's own list comes from thinkgate's records: the same metadata as the upload returned, expiry included.
    expect(mine.data[0]!.expires_at).toBe((await owner.files.retrieveMetadata(fileId)).expires_at);
    expect((await owner.files.retrieveMetadata(fileId)).filename).toBe("report.txt");
    expect((await other.files.list()).data).toEqual([]);
    await expect(other.files.retrieveMetadata(fileId)).rejects.toBeInstanceOf(NotFoundError);
    await expect(other.files.delete(fileId)).rejects.toBeInstanceOf(NotFoundError);
    await expect(other.files.download(fileId)).rejects.toBeInstanceOf(NotFoundError);
    // An admin's list is the upstream's: every file of the workspace.
    expect((await admin.files.list()).data.map((f) => f.id)).toContain(fileId);
    expect((await admin.files.retrieveMetadata(fileId)).id).toBe(fileId);
  });

  it("refuses a Messages request, a token count or a batch of another key that names the file, with the 404 of an unknown file; the uploader and an admin may name it", async () => {
    const naming = (content: Anthropic.ContentBlockParam[]): Anthropic.MessageCreateParamsNonStreaming => ({
      model: "claude-sonnet-4-6",
      max_tokens: 64,
      messages: [{ role: "user", content }],
    });
    const asDocument: Anthropic.ContentBlockParam = { type: "document", source: { type: "file", file_id: fileId } };
    // Inside a tool result too: an agent loop hands documents back that way.
    const inToolResult = {
      ...naming([{ type: "tool_result", tool_use_id: "toolu_01", content: [{ type: "text", text: "here" }, asDocument] }]),
      messages: [
        { role: "user" as const, content: "Fetch the report." },
        { role: "assistant" as const, content: [{ type: "tool_use" as const, id: "toolu_01", name: "fetch", input: {} }] },
        { role: "user" as const, content: [{ type: "tool_result" as const, tool_use_id: "toolu_01", content: [{ type: "text" as const, text: "here" }, asDocument] }] },
      ],
      tools: [{ name: "fetch", input_schema: { type: "object" as const, properties: {} } }],
    };
    // Nested one level deeper, in a document whose source is content blocks.
    const inContentSource = naming([
      { type: "document", source: { type: "content", content: [{ type: "image", source: { type: "file", file_id: fileId } }] } } as Anthropic.ContentBlockParam,
      { type: "text", text: "Describe it." },
    ]);
    for (const body of [naming([asDocument, { type: "text", text: "Summarize." }]), inToolResult, inContentSource]) {
      const refused = await other.messages.create(body).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(NotFoundError);
      expect((refused as APIError).error).toMatchObject({ type: "error", error: { type: "not_found_error", message: `File not found: ${fileId}` } });
    }
    await expect(other.messages.countTokens({ model: "claude-sonnet-4-6", messages: [{ role: "user", content: [asDocument] }] })).rejects.toBeInstanceOf(NotFoundError);
    await expect(other.messages.countTokens({ model: "claude-sonnet-4-6", messages: inContentSource.messages })).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      other.messages.batches.create({ requests: [{ custom_id: "a", params: naming([{ type: "text", text: "hi" }]) }, { custom_id: "b", params: naming([asDocument]) }] }),
    ).rejects.toBeInstanceOf(NotFoundError);
    // The refused Messages requests are recorded as the errors they were.
    await eventually(async () => {
      const rows = await queryDb<{ n: number }>(server, `SELECT COUNT(*) AS "n" FROM "RequestRecord" WHERE "httpStatus" = 404 AND "errorType" = 'not_found_error'`);
      return Number(rows[0]!.n) === 3 ? true : undefined;
    });
    // The uploader and an admin are answered, in a tool result too.
    expect((await owner.messages.create(inToolResult)).content.length).toBeGreaterThan(0);
    expect((await admin.messages.create(naming([asDocument, { type: "text", text: "Summarize." }]))).content.length).toBeGreaterThan(0);
    expect((await owner.messages.countTokens({ model: "claude-sonnet-4-6", messages: [{ role: "user", content: [asDocument] }] })).input_tokens).toBeGreaterThan(0);
    // An id thinkgate never saw is the upstream's to answer.
    const unseen = await other.messages.create(naming([{ type: "document", source: { type: "file", file_id: "file_011CNeverUploadedHere" } }]));
    expect(unseen.content.length).toBeGreaterThan(0);
  });

  it("pages the key's own files newest first with the API's cursor (next_page), and reads a list of ids", async () => {
    const more: string[] = [];
    for (const name of ["a.txt", "b.txt", "c.txt"]) more.push((await owner.files.upload({ file: await toFile(Buffer.from(name), name, { type: "text/plain" }) })).id);
    const first = await owner.files.list({ limit: 2 });
    expect(first.data.map((f) => f.id)).toEqual([more[2], more[1]]);
    expect(first.next_page).toBeTruthy();
    const all: string[] = [];
    for await (const f of owner.files.list({ limit: 2 })) all.push(f.id);
    expect(all).toEqual([more[2], more[1], more[0], fileId]);
    // ids: only the key's own files among them (another key's id is left out, as the API leaves out what it cannot see).
    const foreign = (await other.files.upload({ file: await toFile(Buffer.from("x"), "x.txt", { type: "text/plain" }) })).id;
    const named = await owner.files.list({ ids: [more[0]!, fileId, foreign] });
    expect(named.data.map((f) => f.id)).toEqual([more[0], fileId]);
    expect(named.next_page).toBeNull();
    // An admin's list of ids is the upstream's answer to all of them (the list kept only the last before).
    expect((await admin.files.list({ ids: [more[0]!, foreign] })).data.map((f) => f.id).sort()).toEqual([more[0], foreign].sort());
    await expect(owner.files.list({ page: "file_not_a_cursor" })).rejects.toBeInstanceOf(BadRequestError);
    // More than 100 ids is the API's 400 for every key, never a list of the first 100.
    const tooMany = [...more, ...Array.from({ length: 100 }, (_, i) => `file_${i}`)];
    for (const client of [owner, admin]) {
      const err = await client.files.list({ ids: tooMany }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BadRequestError);
      expect((err as BadRequestError).message).toMatch(/ids: at most 100 entries/);
    }
    for (const id of more) await owner.files.delete(id);
    await other.files.delete(foreign);
  });

  it("keeps a list's place when files are deleted between its pages: the file heading the next page, or each file as it is listed", async () => {
    const lister = sdk(await createGatewayKey(server, "file lister"));
    const upload = async (name: string) => (await lister.files.upload({ file: await toFile(Buffer.from(name), name, { type: "text/plain" }) })).id;
    const ids: string[] = [];
    for (const name of ["1.txt", "2.txt", "3.txt", "4.txt", "5.txt"]) ids.push(await upload(name));
    const p1 = await lister.files.list({ limit: 2 });
    expect(p1.data.map((f) => f.id)).toEqual([ids[4], ids[3]]);
    // The file that heads the next page goes: the next page starts after it.
    await lister.files.delete(ids[2]!);
    const p2 = await p1.getNextPage();
    expect(p2.data.map((f) => f.id)).toEqual([ids[1], ids[0]]);
    // Deleting each file as it is listed deletes them all.
    const seen: string[] = [];
    for await (const f of lister.files.list({ limit: 2 })) {
      seen.push(f.id);
      await lister.files.delete(f.id);
    }
    expect(seen).toEqual([ids[4], ids[3], ids[1], ids[0]]);
    expect((await lister.files.list()).data).toEqual([]);
    // An admin's list is the upstream's (the simulator's here): the same holds there.
    const up: string[] = [];
    for (const name of ["6.txt", "7.txt", "8.txt"]) up.push(await upload(name));
    const a1 = await admin.files.list({ limit: 2 });
    expect(a1.data.map((f) => f.id)).toEqual([up[2], up[1]]);
    await lister.files.delete(up[0]!);
    const a2 = await a1.getNextPage();
    expect(a2.data.map((f) => f.id)).not.toContain(up[0]);
    for (const id of up.slice(1)) await lister.files.delete(id);
  });

  it("relays the upstream's refusal of a download in the API's shape (uploaded files are not downloadable)", async () => {
    const err = await owner.files.download(fileId).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.FileNotDownloadableError);
    expect((err as BadRequestError).message).toMatch(/not downloadable/);
  });

  it("streams a file of several megabytes through, and refuses one over THINKGATE_MAX_FILE_BYTES with a 413 before relaying it", async () => {
    const big = Buffer.alloc(MAX_FILE_BYTES - 64 * 1024, "x");
    const ok = await owner.files.upload({ file: await toFile(big, "big.txt", { type: "text/plain" }) });
    expect(ok.size_bytes).toBe(big.length);
    await owner.files.delete(ok.id);
    const tooBig = await owner.files.upload({ file: await toFile(Buffer.alloc(MAX_FILE_BYTES + 1024, "x"), "huge.txt", { type: "text/plain" }) }).catch((e: unknown) => e);
    expect(tooBig).toBeInstanceOf(APIError);
    expect((tooBig as APIError).status).toBe(413);
    expect((tooBig as APIError).type).toBe("request_too_large");
    expect((await admin.files.list()).data.map((f) => f.filename)).not.toContain("huge.txt");
  });

  it("refuses an upload with no declared length that runs over THINKGATE_MAX_FILE_BYTES with a 413, and the connection serves the next request", async () => {
    const boundary = "----thinkgate-chunked";
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="endless.txt"\r\nContent-Type: text/plain\r\n\r\n`);
    // One kept-alive connection for both requests: the second is answered only if the first's rest was read off it.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const url = new URL(`${server.baseURL}/v1/files`);
    const headers = { "x-api-key": server.adminKey, "anthropic-version": "2023-06-01", "anthropic-beta": "files-api-2025-04-14" };
    const send = (body: (req: http.ClientRequest) => void, extra: Record<string, string>) =>
      new Promise<{ status: number; json: unknown }>((resolve, reject) => {
        const req = http.request(url, { method: "POST", agent, headers: { ...headers, ...extra } }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c)).on("end", () => resolve({ status: res.statusCode!, json: JSON.parse(Buffer.concat(chunks).toString()) }));
        });
        req.on("error", reject);
        body(req);
      });
    try {
      // Chunked: no content-length, so the limit can only be seen as the body passes. 1.5x the limit in all.
      const over = await send(
        (req) => {
          req.write(head);
          for (let sent = 0; sent < MAX_FILE_BYTES * 1.5; sent += 256 * 1024) req.write(Buffer.alloc(256 * 1024, "y"));
          req.end();
        },
        { "content-type": `multipart/form-data; boundary=${boundary}`, "transfer-encoding": "chunked" },
      );
      expect(over.status).toBe(413);
      expect(over.json).toMatchObject({ type: "error", error: { type: "request_too_large" } });
      const next = await send((req) => req.end(JSON.stringify({ file: "x" })), { "content-type": "application/json" });
      expect(next.status).toBe(400);
      expect((await admin.files.list()).data.map((f) => f.filename)).not.toContain("endless.txt");
    } finally {
      agent.destroy();
    }
  });

  it("refuses a body that is not multipart in the API's shape", async () => {
    const res = await fetch(`${server.baseURL}/v1/files`, {
      method: "POST",
      headers: { "x-api-key": server.adminKey, "anthropic-version": "2023-06-01", "content-type": "application/json" },
      body: JSON.stringify({ file: "report.txt" }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe("invalid_request_error");
    // A multipart type without a boundary: the upstream's 400, not a 500.
    for (const type of ["multipart/form-data;", "multipart/form-data; charset=utf-8"]) {
      const noBoundary = await fetch(`${server.baseURL}/v1/files`, {
        method: "POST",
        headers: { "x-api-key": server.adminKey, "anthropic-version": "2023-06-01", "content-type": type },
        body: "--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nhi\r\n--x--\r\n",
      });
      expect(noBoundary.status).toBe(400);
      expect(((await noBoundary.json()) as { error: { type: string; message: string } }).error).toMatchObject({ type: "invalid_request_error", message: expect.stringMatching(/boundary/) });
    }
  });

  it("refuses a filename with a NUL character (which PostgreSQL text cannot hold) with a 400 naming it, and keeps no such file upstream", async () => {
    const boundary = "----thinkgate-nul";
    const res = await fetch(`${server.baseURL}/v1/files`, {
      method: "POST",
      headers: { "x-api-key": server.adminKey, "anthropic-version": "2023-06-01", "content-type": `multipart/form-data; boundary=${boundary}` },
      body: `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename*=UTF-8''a%00b%E2%9C%93.txt\r\nContent-Type: text/plain\r\n\r\nhello\r\n--${boundary}--\r\n`,
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { type: string; error: { type: string; message: string } };
    expect(body).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
    expect(body.error.message).toContain(JSON.stringify("a\u0000b✓.txt"));
    expect((await admin.files.list()).data.map((f) => f.filename)).not.toContain("a\u0000b✓.txt");
  });

  it("forgets a file a day after it expired (its bytes are gone upstream): its uploader's list drops it", async () => {
    const brief = await owner.files.upload({ file: await toFile(Buffer.from("brief"), "brief.txt", { type: "text/plain" }), expires_in_seconds: 3_600 });
    expect((await owner.files.list()).data.map((f) => f.id)).toContain(brief.id);
    // As if it had expired two days ago.
    await backdate(server, "UploadedFile", "expiresAt", "id", [brief.id], 3 * 86_400_000);
    await eventually(async () => ((await owner.files.list()).data.some((f) => f.id === brief.id) ? undefined : true));
    expect((await owner.files.list()).data.map((f) => f.id)).toEqual([fileId]);
  });

  it("deletes the file upstream and forgets it", async () => {
    expect(await owner.files.delete(fileId)).toEqual({ id: fileId, type: "file_deleted" });
    await expect(owner.files.retrieveMetadata(fileId)).rejects.toBeInstanceOf(NotFoundError);
    expect(await queryDb(server, `SELECT "id" FROM "UploadedFile"`)).toEqual([]);
  });
});
