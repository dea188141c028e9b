import { describe, expect, it } from "vitest";
import { corsHeaders, preflightHeaders } from "./cors";

const browser = { origin: "https://app.example.com" };

describe("cross-origin access", () => {
  it("is given on the model API only, to the calling origin, never with credentials", () => {
    expect(corsHeaders("/api/v1/messages", browser)).toMatchObject({ "access-control-allow-origin": "https://app.example.com", vary: "Origin" });
    expect(corsHeaders("/api/requests", browser)).toBeNull();
    expect(corsHeaders("/api/auth/login", browser)).toBeNull();
    expect(corsHeaders("/api/v1/messages", {})).toBeNull();
    const pre = preflightHeaders("OPTIONS", "/api/v1/messages", { ...browser, "access-control-request-method": "POST", "access-control-request-headers": "authorization,content-type" });
    expect(pre).toMatchObject({ "access-control-allow-headers": "authorization,content-type", "access-control-allow-methods": "GET, HEAD, POST" });
    expect(Object.keys(pre!)).not.toContain("access-control-allow-credentials");
  });

  it("answers a preflight only: a plain OPTIONS, or one for the web app's API, is not one", () => {
    expect(preflightHeaders("OPTIONS", "/api/v1/messages", browser)).toBeNull();
    expect(preflightHeaders("POST", "/api/v1/messages", { ...browser, "access-control-request-method": "POST" })).toBeNull();
    expect(preflightHeaders("OPTIONS", "/api/keys", { ...browser, "access-control-request-method": "POST" })).toBeNull();
  });
});
