/**
 * Every answer the process writes itself (the API's, and the few server.ts
 * and http-server.ts write before or instead of a route: a path that is not
 * valid percent-encoding, a 404 with the pages off, a 500, a request Node
 * could not read) is data for a program, never a page: its type is taken as
 * sent (no sniffing a relayed file or a JSON body into HTML), it is never
 * framed, and a browser that opens one as a document runs nothing in it
 * (`sandbox`: no script, an origin of its own), so a file relayed from the
 * upstream as text/html cannot act as thinkgate with the viewer's session.
 * The pages' own headers are in next.config.js.
 */
import type { ServerResponse } from "node:http";

export const API_DOCUMENT_HEADERS: Readonly<Record<string, string>> = {
  "x-content-type-options": "nosniff",
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'; sandbox",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
};

/** Sets the headers on a response not yet begun; later writeHead headers add to them. */
export function markAsData(res: ServerResponse): void {
  for (const [name, value] of Object.entries(API_DOCUMENT_HEADERS)) res.setHeader(name, value);
}

/** The same headers as raw header lines ("name: value\r\n" each), for an answer written straight to a socket. */
export function rawDocumentHeaders(): string {
  return Object.entries(API_DOCUMENT_HEADERS)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join("");
}

/**
 * An answer the process writes itself, outside a route (server.ts): marked
 * as data like every API answer. Headers a handler set before it failed
 * (Next's page headers) are replaced where they share a name.
 */
export function answerDirectly(res: ServerResponse, status: number, contentType: string, body: string): void {
  markAsData(res);
  res.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(body) }).end(body);
}
