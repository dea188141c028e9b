import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { frontDoor, type PageHandler } from "./front-door";
import { createHttpServer } from "./http-server";
import { json } from "./http";
import { ApiRouter } from "./router";

const servers: { close(): void }[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

async function serve(pages: PageHandler | null): Promise<string> {
  const router = new ApiRouter([{ method: "GET", path: "/api/ok", handler: async () => json(200, { ok: true }) }]);
  const server = createHttpServer({ headersMs: 1_000, bodyMs: 1_000 }, frontDoor(router, pages, 1 << 20));
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function expectMarkedAsData(res: Response): void {
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'; sandbox");
  expect(res.headers.get("x-frame-options")).toBe("DENY");
  expect(res.headers.get("referrer-policy")).toBe("no-referrer");
}

describe("the answers the server writes itself", () => {
  it("are marked as data like the API's: a 400 for a path that is not percent-encoding, a 404 with no pages", async () => {
    const url = await serve(null);
    const bad = await fetch(`${url}/traces/%ff`);
    expect(bad.status).toBe(400);
    expectMarkedAsData(bad);
    const missing = await fetch(`${url}/nowhere`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ type: "error", error: { type: "not_found_error" } });
    expectMarkedAsData(missing);
    expectMarkedAsData(await fetch(`${url}/api/ok`));
  });

  it("mark a 500 as data when the pages fail before answering, over the page headers they had set", async () => {
    const url = await serve(async (_req, res) => {
      res.setHeader("content-security-policy", "frame-ancestors 'none'");
      throw new Error("the pages failed");
    });
    const res = await fetch(`${url}/some/page`);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ type: "error", error: { type: "api_error", message: "Internal server error" } });
    expectMarkedAsData(res);
  });

  it("leave the pages' own answers to the pages", async () => {
    const url = await serve(async (_req, res) => void res.writeHead(200, { "content-type": "text/html" }).end("<p>page</p>"));
    const res = await fetch(`${url}/some/page`);
    expect(await res.text()).toBe("<p>page</p>");
    expect(res.headers.get("content-security-policy")).toBeNull();
  });
});
