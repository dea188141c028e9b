/**
 * The Files API through thinkgate (/v1/files...), so code that uploads a
 * document with the SDK and names it in a Messages request needs no second
 * client pointed past the gateway.
 *
 * An upload is relayed to the upstream as it arrives, with the gateway's
 * credentials: the multipart body is neither held whole nor parsed (the
 * upstream reads it, and answers what it makes of it). thinkgate keeps who
 * uploaded each file and its metadata; the bytes stay upstream. A file is
 * seen only by the key that uploaded it (another key gets the 404 of an
 * unknown id); admins see every file of the workspace, uploaded through
 * thinkgate or not, as they see every batch (lib/batches).
 *
 * A Messages request naming a file another key uploaded is refused the same
 * way (references.ts).
 */
import { AppError } from "../api/errors";
import { tooLarge } from "../api/body-limit";
import type { ApiRequest, Handler } from "../api/http";
import { newRequestId } from "../api/ids";
import { apiNotFound } from "../api/not-found";
import { callerScope, type Caller } from "../api/wrap";
import { filesRepo, type FileRow } from "../db/files.repo";
import { isAdmin, relayedEndpoint, relayedJson, visibleTo } from "../gateway/relayed";
import { forwardedHeaders, upstream } from "../gateway/upstream";
import { logger } from "../observability/logger";
import { isOpenAIClient } from "../openai/models";
import { cursorParams, idsParam, pageCursor, readPageCursor } from "./params";
import { unknownFile } from "./references";

/** The API's own limit for one file (500 MB); THINKGATE_MAX_FILE_BYTES lowers or raises it. */
export const DEFAULT_MAX_FILE_BYTES = 500 * 1024 * 1024;

export function maxFileBytes(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.THINKGATE_MAX_FILE_BYTES);
  return Number.isInteger(v) && v > 0 ? v : DEFAULT_MAX_FILE_BYTES;
}

/** A file's metadata as the API returns it. */
export interface FileMetadata {
  id: string;
  type: "file";
  filename: string;
  mime_type: string;
  size_bytes: number;
  created_at: string;
  downloadable?: boolean;
  expires_at?: string | null;
}

/** A file id as the API writes them; anything else never becomes part of the upstream's path. */
const FILE_ID = /^[A-Za-z0-9_-]{1,128}$/;

const toMetadata = (r: FileRow): FileMetadata => ({
  id: r.id,
  type: "file",
  filename: r.filename,
  mime_type: r.mimeType,
  size_bytes: r.sizeBytes,
  created_at: r.createdAt.toISOString(),
  downloadable: r.downloadable,
  expires_at: r.expiresAt?.toISOString() ?? null,
});

const visible = (req: ApiRequest, principal: Caller) => visibleTo(req, principal, { idForm: FILE_ID, get: filesRepo.get, unknown: unknownFile });

/**
 * /v1/files is OpenAI's Files API too: an OpenAI client (it sends no
 * anthropic-version) gets the 404 of a path thinkgate's OpenAI-compatible API
 * does not serve, in OpenAI's shape, rather than an Anthropic upload.
 */
function anthropicOnly(handler: Handler): Handler {
  return (req) => (isOpenAIClient(req.headers) ? Promise.resolve(apiNotFound(req.method, req.path, req.headers, newRequestId())) : handler(req));
}

/** Deletes upstream a file thinkgate relayed but does not keep (logged when that fails too). */
async function forget(id: string, headers: ApiRequest["headers"]): Promise<void> {
  await upstream()
    .delete(`/v1/files/${encodeURIComponent(id)}`, { headers: forwardedHeaders(headers) })
    .catch((e: Error) => logger.error({ err: e.message, fileId: id }, "could not delete the file thinkgate did not keep"));
}

export const uploadFile = anthropicOnly(relayedEndpoint(async (req, principal, requestId) => {
  const type = req.headers["content-type"] ?? "";
  if (!/^multipart\/form-data;/i.test(type)) throw new AppError("invalid_request_error", "a file upload is a multipart/form-data body with the file in its `file` field");
  const source = req.body;
  if (!source) throw new AppError("invalid_request_error", "this request's body cannot be relayed");
  const limit = maxFileBytes();
  const length = req.headers["content-length"];
  // Refused before the upstream is called; a body without a declared length is counted as it passes.
  if (Number(length) > limit) throw tooLarge(limit);
  let bodyError: unknown = null;
  const body = (async function* () {
    try {
      yield* source(limit);
    } catch (err) {
      bodyError = err;
      throw err;
    }
  })();
  const { data, response } = await upstream()
    .post("/v1/files", { body, headers: { ...forwardedHeaders(req.headers), "content-type": type, ...(length ? { "content-length": length } : {}) }, signal: req.signal })
    .withResponse()
    // The SDK reports a body that failed as a failed connection: the client is told why it failed (413, a broken upload).
    .catch((err: unknown) => {
      throw bodyError ?? err;
    });
  const file = data as unknown as FileMetadata;
  // A NUL character cannot be stored in PostgreSQL text (SQLite keeps it),
  // and the multipart body is relayed unparsed, so the name is first seen in
  // the upstream's answer. The upload is refused (the file deleted upstream),
  // not stored under a changed name: thinkgate's list would then name the file
  // differently from its metadata, and each database would behave alike only
  // by accident. The client learns at once which name to change.
  if (file.filename.includes("\u0000")) {
    await forget(file.id, req.headers);
    throw new AppError("invalid_request_error", `file: the filename ${JSON.stringify(file.filename.slice(0, 256))} holds a NUL character (\\u0000), which thinkgate does not store; the upload was not kept`);
  }
  try {
    await filesRepo.create({
      id: file.id,
      keyId: principal.keyId || null,
      scope: callerScope(principal),
      filename: file.filename,
      mimeType: file.mime_type,
      sizeBytes: file.size_bytes,
      downloadable: file.downloadable ?? false,
      createdAt: new Date(file.created_at),
      expiresAt: file.expires_at ? new Date(file.expires_at) : null,
    });
  } catch (err) {
    // A file thinkgate cannot record would be seen by no key but the admins': it is deleted, and the client told.
    logger.error({ err, fileId: file.id }, "could not store an uploaded file's owner; deleting it upstream");
    await forget(file.id, req.headers);
    throw new AppError("api_error", `thinkgate could not store the upload, so the file was deleted (${file.id}); retry later`);
  }
  return relayedJson(200, file, requestId, response.headers.get("request-id"));
}));

/**
 * An admin's list is the upstream's (every file of the workspace); any other
 * key's is its own uploads, newest first, paged in thinkgate's database with
 * the API's parameters (`limit`, `page` from the last answer's `next_page`,
 * or `ids`). Files a session made upstream (`scope_id`) were not uploaded
 * through thinkgate, so a key's list of them is empty.
 */
export const listFiles = anthropicOnly(relayedEndpoint(async (req, principal, requestId) => {
  const wanted = idsParam(req.query);
  if (wanted && (req.query.has("page") || req.query.has("limit"))) throw new AppError("invalid_request_error", "ids cannot be combined with page or limit");
  const { limit, page } = cursorParams(req.query);
  if (isAdmin(principal)) {
    // One value per parameter but `ids`, a list (the SDK writes it ids[]=a&ids[]=b; an object of the query kept only the last).
    const query: Record<string, unknown> = Object.fromEntries([...req.query].filter(([k]) => k !== "ids" && k !== "ids[]"));
    if (wanted) query.ids = wanted;
    const { data, response } = await upstream().get("/v1/files", { query, headers: forwardedHeaders(req.headers), signal: req.signal }).withResponse();
    return relayedJson(200, data, requestId, response.headers.get("request-id"));
  }
  const scope = callerScope(principal);
  if (wanted) return relayedJson(200, { data: (await filesRepo.named(scope, wanted)).map(toMetadata), next_page: null }, requestId, null);
  if (req.query.get("scope_id")) return relayedJson(200, { data: [], next_page: null }, requestId, null);
  const rows = await filesRepo.page(scope, limit, page === null ? null : readPageCursor(page));
  const next = rows[limit];
  return relayedJson(200, { data: rows.slice(0, limit).map(toMetadata), next_page: next ? pageCursor(next) : null }, requestId, null);
}));

export const retrieveFile = anthropicOnly(relayedEndpoint(async (req, principal, requestId) => {
  const { id, row } = await visible(req, principal);
  try {
    const { data, response } = await upstream().get(`/v1/files/${encodeURIComponent(id)}`, { headers: forwardedHeaders(req.headers), signal: req.signal }).withResponse();
    return relayedJson(200, data, requestId, response.headers.get("request-id"));
  } catch (err) {
    // Deleted upstream without thinkgate: forgotten here too.
    if (row && (err as { status?: number }).status === 404) await filesRepo.delete(id);
    throw err;
  }
}));

/** The file's bytes, streamed through as the upstream sends them (the API serves only files its tools made). */
export const fileContent = anthropicOnly(relayedEndpoint(async (req, principal, requestId) => {
  const { id } = await visible(req, principal);
  const res = await upstream()
    .get(`/v1/files/${encodeURIComponent(id)}/content`, { headers: { ...forwardedHeaders(req.headers), accept: "application/binary" }, signal: req.signal })
    .asResponse();
  const headers: Record<string, string> = { "request-id": res.headers.get("request-id") ?? requestId, "thinkgate-request-id": requestId };
  for (const name of ["content-type", "content-length", "content-disposition"]) {
    const v = res.headers.get(name);
    if (v) headers[name] = v;
  }
  return { status: res.status, headers, stream: res.body as unknown as AsyncIterable<Uint8Array> };
}));

export const deleteFile = anthropicOnly(relayedEndpoint(async (req, principal, requestId) => {
  const { id, row } = await visible(req, principal);
  const { data, response } = await upstream().delete(`/v1/files/${encodeURIComponent(id)}`, { headers: forwardedHeaders(req.headers), signal: req.signal }).withResponse();
  if (row) await filesRepo.delete(id);
  return relayedJson(200, data, requestId, response.headers.get("request-id"));
}));
