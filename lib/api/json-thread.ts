/**
 * The JSON parser's thread (started by large-json.ts): decodes a large request
 * body and parses it, with the checks of every JSON body (json-body.ts), off
 * the main thread. The parsed value goes back by structured clone.
 */
import { parentPort } from "node:worker_threads";
import { AppError, type ApiErrorType } from "./errors";
import { parseJsonBytes } from "./json-body";
import { toParts, type JsonParts } from "./json-parts";

export type JsonThreadRequest = { id: number; bytes: Uint8Array };
export type JsonThreadReply = { id: number; parts: JsonParts } | { id: number; error: { type: ApiErrorType; message: string } };

const port = parentPort!;
port.on("message", ({ id, bytes }: JsonThreadRequest) => {
  let reply: JsonThreadReply;
  try {
    reply = { id, parts: toParts(parseJsonBytes(bytes)) };
  } catch (err) {
    // A body the checks refuse is the client's 400; anything else is this thread's failure.
    reply = { id, error: err instanceof AppError ? { type: err.type, message: err.message } : { type: "api_error", message: (err as Error).message } };
  }
  port.postMessage(reply);
});
