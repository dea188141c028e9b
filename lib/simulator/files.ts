/**
 * The simulator's Files API: upload (multipart/form-data, the file in its
 * `file` field, an optional `expires_in_seconds`), list (`limit`, the opaque
 * `page` cursor of the previous answer's `next_page`, `ids`), metadata,
 * content and delete, in the API's shapes as the SDK reads them. Uploaded
 * files are not downloadable, as on the API (only files its tools make are):
 * a download is the API's 400 with `error_code: file_not_downloadable`.
 * Files live in memory, at most MAX_STORED_BYTES of them: the oldest go first.
 */
import busboy from "busboy";
import { randomBytes } from "node:crypto";
import { AppError } from "../api/errors";
import { json, type ApiRequest, type ApiResponse } from "../api/http";
import { cursorParams, idsParam, pageCursor, readPageCursor, type ListPosition } from "../files/params";
import { Rng } from "./random";

interface SimFile {
  id: string;
  filename: string;
  mimeType: string;
  bytes: Buffer;
  createdAt: Date;
  expiresAt: Date | null;
}

/** The API's limit for one file. */
const MAX_FILE_BYTES = 500 * 1024 * 1024;
/** What the simulator keeps in memory, all files together. */
const MAX_STORED_BYTES = 256 * 1024 * 1024;
/** expires_in_seconds: one hour to ninety days. */
const EXPIRY_S = { min: 3_600, max: 7_776_000 };

const files = new Map<string, SimFile>();
let stored = 0;
const ids = new Rng(randomBytes(6).readUIntBE(0, 6));

const bad = (message: string) => new AppError("invalid_request_error", message);
const notFound = (id: string) => new AppError("not_found_error", `File not found: ${id.slice(0, 128)}`);

const ok = (value: unknown, requestId: string): ApiResponse => json(200, value, { "request-id": requestId });

const metadata = (f: SimFile) => ({
  id: f.id,
  type: "file",
  filename: f.filename,
  mime_type: f.mimeType,
  size_bytes: f.bytes.length,
  created_at: f.createdAt.toISOString(),
  downloadable: false,
  expires_at: f.expiresAt?.toISOString() ?? null,
});

function find(req: ApiRequest): SimFile {
  const f = files.get(req.params.id ?? "");
  if (!f) throw notFound(req.params.id ?? "");
  return f;
}

/** Only the final path component of the part's filename is kept (the API's rule). */
const baseName = (name: string) => name.split(/[\\/]/).pop() || "unnamed";

interface Upload {
  filename: string;
  mimeType: string;
  bytes: Buffer;
  expiresInSeconds: number | null;
}

/** The multipart body: its `file` part and `expires_in_seconds` field. */
async function readUpload(req: ApiRequest): Promise<Upload> {
  const type = req.headers["content-type"] ?? "";
  if (!/^multipart\/form-data;/i.test(type) || !req.body) throw bad("file: a multipart/form-data body with a `file` field is required");
  let parser: busboy.Busboy;
  try {
    // Parameters (the part's filename="...") read as UTF-8, as clients send them: busboy's default, latin1, garbled every non-ASCII name.
    parser = busboy({ headers: { "content-type": type }, defParamCharset: "utf8", limits: { fileSize: MAX_FILE_BYTES, files: 1 } });
  } catch (err) {
    // busboy throws for a multipart type it cannot read (no boundary, a malformed parameter): the client's mistake, not the simulator's.
    throw bad(`content-type: a multipart/form-data type with a boundary is required (${(err as Error).message})`);
  }
  let expiresInSeconds: number | null = null;
  const done = new Promise<Upload | null>((resolve, reject) => {
    let file: Upload | null = null;
    parser.on("field", (name, value) => {
      if (name === "expires_in_seconds") expiresInSeconds = Number(value);
    });
    parser.on("file", (name, stream, info) => {
      if (name !== "file") return void stream.resume();
      const parts: Buffer[] = [];
      stream.on("data", (c: Buffer) => parts.push(c));
      stream.on("limit", () => reject(new AppError("request_too_large", `file: larger than the limit of ${MAX_FILE_BYTES} bytes`)));
      // A part cut off before its boundary fails the part's stream as well as the parser: unheard, that error ended the simulator's thread.
      stream.on("error", (err: Error) => reject(bad(`file: the multipart body could not be read (${err.message})`)));
      stream.on("end", () => (file = { filename: baseName(info.filename ?? ""), mimeType: info.mimeType || "application/octet-stream", bytes: Buffer.concat(parts), expiresInSeconds: null }));
    });
    parser.on("close", () => resolve(file && { ...file, expiresInSeconds }));
    parser.on("error", (err: Error) => reject(bad(`file: the multipart body could not be read (${err.message})`)));
  });
  // A rejection before the body is all read is awaited below; this keeps it from counting as unhandled meanwhile.
  done.catch(() => undefined);
  for await (const chunk of req.body(MAX_FILE_BYTES + 64 * 1024)) parser.write(chunk);
  parser.end();
  const file = await done;
  if (!file) throw bad("file: Field required");
  return file;
}

export async function uploadFile(req: ApiRequest, requestId: string): Promise<ApiResponse> {
  const { filename, mimeType, bytes, expiresInSeconds } = await readUpload(req);
  if (expiresInSeconds !== null && !(Number.isInteger(expiresInSeconds) && expiresInSeconds >= EXPIRY_S.min && expiresInSeconds <= EXPIRY_S.max)) {
    throw bad(`expires_in_seconds: Input should be an integer between ${EXPIRY_S.min} and ${EXPIRY_S.max}`);
  }
  const now = new Date();
  const f: SimFile = { id: `file_011C${ids.base62(22)}`, filename, mimeType, bytes, createdAt: now, expiresAt: expiresInSeconds === null ? null : new Date(now.getTime() + expiresInSeconds * 1000) };
  files.set(f.id, f);
  stored += bytes.length;
  // The oldest first (a Map iterates in insertion order), never the one just stored.
  for (const [id, old] of files) {
    if (stored <= MAX_STORED_BYTES || id === f.id) break;
    files.delete(id);
    stored -= old.bytes.length;
  }
  return ok(metadata(f), requestId);
}

/** Newest first; `next_page` is the cursor of the page after this one, null on the last. */
export async function listFiles(req: ApiRequest, requestId: string): Promise<ApiResponse> {
  const wanted = idsParam(req.query);
  let all = [...files.values()].reverse();
  if (wanted) {
    if (req.query.has("page") || req.query.has("limit")) throw bad("ids cannot be combined with page or limit");
    all = all.filter((f) => wanted.includes(f.id));
    return ok({ data: all.map(metadata), next_page: null }, requestId);
  }
  // Files carry no scope here (no session made them): a scope_id filter matches none.
  if (req.query.get("scope_id")) return ok({ data: [], next_page: null }, requestId);
  const { limit, page } = cursorParams(req.query);
  // The cursor holds its position (as thinkgate's own list's does), so a file deleted between two pages leaves it valid.
  const newestFirst = (a: ListPosition, b: ListPosition) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
  all.sort(newestFirst);
  const from = page === null ? null : readPageCursor(page);
  const start = from ? all.findIndex((f) => newestFirst(f, from) >= 0) : 0;
  const data = start < 0 ? [] : all.slice(start, start + limit);
  const next = start < 0 ? undefined : all[start + limit];
  return ok({ data: data.map(metadata), next_page: next ? pageCursor(next) : null }, requestId);
}

export async function retrieveFile(req: ApiRequest, requestId: string): Promise<ApiResponse> {
  return ok(metadata(find(req)), requestId);
}

/** Uploaded files are never downloadable on the API, and the simulator makes no other kind. */
export async function fileContent(req: ApiRequest): Promise<ApiResponse> {
  const f = find(req);
  throw new AppError("invalid_request_error", `File ${f.id} is not downloadable: only files created by a tool, such as the code execution tool, can be downloaded`, {
    details: { details: { error_code: "file_not_downloadable" } },
  });
}

export async function deleteFile(req: ApiRequest, requestId: string): Promise<ApiResponse> {
  const f = find(req);
  files.delete(f.id);
  stored -= f.bytes.length;
  return ok({ id: f.id, type: "file_deleted" }, requestId);
}
