import { describe, expect, it } from "vitest";
import { createRedactor, DEFAULT_REDACTION, globProblem, luhn, redactionConfigSchema, type RedactionConfigInput } from "./redaction";

const redactor = (input: RedactionConfigInput = {}, opts?: { maxChars?: number }) => createRedactor(redactionConfigSchema.parse(input), opts);
const redact = (text: string, input: RedactionConfigInput = {}) => redactor(input)(text).text;

const ANTHROPIC = "sk-ant-api03-" + "Xy7_Kq2-Lm9".repeat(8) + "AA";
const OPENAI_PROJECT = "sk-proj-" + "a1B2c3D4e5F6g7H8i9J0".repeat(3);
const OPENAI_LEGACY = "sk-" + "Ab3De6Gh9Jk2Mn5Pq8St1Vw4Yz7Bc0Ef3Hi6Kl9No2Qr5T";
const JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkFubiJ9.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

describe("built-in redaction", () => {
  it("masks API keys and tokens by provider", () => {
    expect(redact(`key ${ANTHROPIC} here`)).toBe("key [redacted:anthropic_key] here");
    expect(redact(`OPENAI_KEY ${OPENAI_PROJECT}`)).toBe("OPENAI_KEY [redacted:openai_key]");
    expect(redact(`old ${OPENAI_LEGACY}.`)).toBe("old [redacted:openai_key].");
    expect(redact("id AKIAIOSFODNN7EXAMPLE,")).toBe("id [redacted:aws_key],");
    expect(redact("ghp_" + "a1b2c3d4e5".repeat(4))).toBe("[redacted:github_token]");
    expect(redact("github_pat_11ABCDEFG0" + "x".repeat(60))).toBe("[redacted:github_token]");
    expect(redact("xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx")).toBe("[redacted:slack_token]");
    expect(redact("https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX")).toBe("https://[redacted:slack_webhook]");
  });

  it("leaves look-alikes in prose alone", () => {
    const prose = "A disk-based-caching-mechanism-for-everything, task-management-workflows, sk-learn, AKIA alone, ghp_short, the ASIA-PACIFIC region.";
    expect(redact(prose)).toBe(prose);
  });

  it("masks AWS secrets, passwords and other assigned secrets, keeping the name", () => {
    expect(redact("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")).toBe("aws_secret_access_key = [redacted:secret]");
    expect(redact('{"api_key": "abc123def456ghi"}')).toBe('{"api_key": "[redacted:secret]"}');
    expect(redact("DB_PASSWORD=Tr0ub4dor&3x")).toBe("DB_PASSWORD=[redacted:secret]");
    expect(redact("client_secret: 9f8e7d6c5b4a3210")).toBe("client_secret: [redacted:secret]");
  });

  it("does not mask config values that are not secrets", () => {
    for (const s of ["max_tokens: 16000", "budget_tokens=32000", "token = getToken()", "password: ${DB_PASSWORD}", "api_key: process.env.API_KEY", "count tokens: 12"]) {
      expect(redact(s)).toBe(s);
    }
  });

  it("masks bearer tokens and JWTs", () => {
    expect(redact("Authorization: Bearer abcDEF123456ghiJKL789")).toBe("Authorization: Bearer [redacted:bearer_token]");
    expect(redact(`token ${JWT}.`)).toBe("token [redacted:jwt].");
    expect(redact("eyJ is how base64 JSON starts; eyJhbGci.eyJzdWIi is too short.")).toBe("eyJ is how base64 JSON starts; eyJhbGci.eyJzdWIi is too short.");
  });

  it("masks PEM private keys", () => {
    const pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7\nq2f3==\n-----END RSA PRIVATE KEY-----";
    expect(redact(`key:\n${pem}\nthanks`)).toBe("key:\n[redacted:private_key]\nthanks");
  });

  it("masks e-mail addresses", () => {
    expect(redact("Mail ann.lee+tag@mail.example.co.uk, or bob@example.com.")).toBe("Mail [redacted:email], or [redacted:email].");
    for (const s of ["user@localhost", "@mention", "a @ b.com", "x@y", "the @decorator and foo@bar"]) expect(redact(s)).toBe(s);
  });

  it("masks Luhn-valid card numbers with spaces, dashes or none, and nothing else", () => {
    expect(redact("card 4111 1111 1111 1111 exp 12/29")).toBe("card [redacted:card] exp 12/29");
    expect(redact("card 4111-1111-1111-1111.")).toBe("card [redacted:card].");
    expect(redact("card 5500005555555559;")).toBe("card [redacted:card];");
    expect(redact("amex 3782 822463 10005")).toBe("amex [redacted:card]");
    expect(redact("card 4111 1111 1111 1111 2029")).toBe("card [redacted:card] 2029");
    const keep = [
      "not a card 4111 1111 1111 1112", // Luhn fails
      "order 1234567812345670", // issuer digit 1
      "dates 2024-01-15 and 2024-02-16",
      "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16",
      "id 4111111111111111abc",
      "v1.4111111111111111",
    ];
    for (const s of keep) expect(redact(s)).toBe(s);
  });

  it("luhn", () => {
    expect(luhn("4111111111111111")).toBe(true);
    expect(luhn("4111111111111112")).toBe(false);
    expect(luhn("79927398713")).toBe(true);
  });

  it("counts replacements and resolves overlaps once (earliest start, then longest)", () => {
    const r = redactor();
    const out = r(`${ANTHROPIC} ${ANTHROPIC} ann@example.com`);
    expect(out).toEqual({ text: "[redacted:anthropic_key] [redacted:anthropic_key] [redacted:email]", count: 3 });
    // A JWT assigned to a secret-looking name is one value, masked once.
    expect(r(`token: ${JWT}`)).toEqual({ text: "token: [redacted:jwt]", count: 1 });
    // A built-in and a user pattern on the same text: one replacement, the built-in's.
    expect(redactor({ patterns: [{ match: "*@corp.internal" }] })("bob@corp.internal")).toEqual({ text: "[redacted:email]", count: 1 });
  });

  it("can be switched off as a whole or per kind", () => {
    const text = `mail ann@example.com key ${ANTHROPIC}`;
    expect(redact(text, { enabled: false })).toBe(text);
    expect(redact(text, { builtins: { emails: false } })).toBe("mail ann@example.com key [redacted:anthropic_key]");
    expect(redact(text, { builtins: { apiKeys: false } })).toBe(`mail [redacted:email] key ${ANTHROPIC}`);
    expect(DEFAULT_REDACTION.enabled).toBe(true);
    expect(Object.values(DEFAULT_REDACTION.builtins).every(Boolean)).toBe(true);
  });
});

describe("thinkgate's own keys", () => {
  const key = "tg_" + "Zk3_qP-9xY2vLm0aBcDeFgHiJkLmNoPq"; // the shape lib/gateway/keys.ts issues: tg_ and 32 base64url characters

  it("are masked with the built-ins on, off, and with redaction disabled altogether", () => {
    expect(redact(`use ${key} as the admin key`)).toBe("use [redacted:thinkgate_key] as the admin key");
    expect(redact(`key=${key}`, { builtins: { apiKeys: false, secrets: false } })).toBe("key=[redacted:thinkgate_key]");
    expect(redactor({ enabled: false })(`export THINKGATE_KEY="${key}"`)).toEqual({ text: 'export THINKGATE_KEY="[redacted:thinkgate_key]"', count: 1 });
  });

  it("are masked when a model repeats one with its prefix in another case (a sentence starts with it)", () => {
    const capitalised = `T${key.slice(1)}`;
    expect(redact(`${capitalised} is the key you gave.`)).toBe("[redacted:thinkgate_key] is the key you gave.");
    expect(redactor({ enabled: false })(`Your key: ${key.toUpperCase()}`)).toEqual({ text: "Your key: [redacted:thinkgate_key]", count: 1 });
    expect(redact(`Sk-ant-${ANTHROPIC.slice(7)} was pasted`)).toBe("[redacted:anthropic_key] was pasted");
  });

  it("leave short tg_ words and tg_ inside other words alone", () => {
    expect(redact("the tg_id column and config_tg_handler_with_a_long_name_here")).toBe("the tg_id column and config_tg_handler_with_a_long_name_here");
  });
});

describe("user patterns", () => {
  it("literal strings: case-insensitive, whole words by default", () => {
    const p = { patterns: [{ label: "project", match: "Project Falcon", type: "literal" as const }] };
    expect(redact("Project Falcon and project falcon, not Project Falconer or MyProject Falcon", p)).toBe(
      "[redacted:project] and [redacted:project], not Project Falconer or MyProject Falcon",
    );
    expect(redact("project falcon", { patterns: [{ match: "Project Falcon", type: "literal", caseSensitive: true }] })).toBe("project falcon");
    expect(redact("a*b.c and a*b.c", { patterns: [{ match: "a*b.c", type: "literal", wholeWord: false }] })).toBe("[redacted:custom] and [redacted:custom]");
  });

  it("globs: # a digit, ? a non-space character, * a run of word characters", () => {
    const p = { patterns: [{ label: "employee", match: "EMP-######" }, { label: "host", match: "*.corp.internal" }, { label: "ticket", match: "T?-##" }] };
    expect(redact("EMP-123456 and emp-654321 but not EMP-12345 or EMP-1234567", p)).toBe("[redacted:employee] and [redacted:employee] but not EMP-12345 or EMP-1234567");
    expect(redact("ssh db-01.corp.internal now", p)).toBe("ssh db-[redacted:host] now");
    expect(redact("see TX-42 and T!-99", p)).toBe("see [redacted:ticket] and [redacted:ticket]");
    expect(redact("cost is * 3", { patterns: [{ match: "is \\*", type: "glob" }] })).toBe("cost [redacted:custom] 3");
    expect(redact("mail ann@corp.internal", { builtins: { emails: false }, patterns: [{ match: "*@corp.internal" }] })).toBe("mail [redacted:custom]");
    expect(redact("x".repeat(70) + "@corp.internal", { builtins: { emails: false }, patterns: [{ match: "*@corp.internal", wholeWord: false }] })).toBe("x".repeat(6) + "[redacted:custom]");
  });

  it("rejects globs that would need backtracking, and other bad patterns, when the setting is parsed", () => {
    expect(globProblem("*x")).toMatch(/must be followed/);
    expect(globProblem("a**")).toMatch(/must be followed/);
    expect(globProblem("*#")).toMatch(/must be followed/);
    expect(globProblem("ab\\")).toMatch(/escapes nothing/);
    expect(globProblem("*-*-*-*-*-*-*-*-*")).toMatch(/at most/);
    expect(globProblem("*")).not.toBeNull();
    expect(globProblem("key-*")).toBeNull();
    expect(globProblem("*@corp.example")).toBeNull();
    const bad = redactionConfigSchema.safeParse({ patterns: [{ match: "user*name" }] });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(["patterns", 0, "match"]);
    expect(redactionConfigSchema.safeParse({ patterns: [{ match: "ok-*", label: "Bad Label" }] }).success).toBe(false);
    expect(redactionConfigSchema.safeParse({ patterns: [{ match: "(a+)+$", type: "regex" }] }).success).toBe(false);
  });
});

describe("linear time", () => {
  const config: RedactionConfigInput = {
    patterns: [
      { label: "a", match: "*@corp.internal", wholeWord: false },
      { label: "b", match: "EMP-*-*-*-X" },
      { label: "c", match: "aaaa", type: "literal", wholeWord: false },
      { label: "d", match: "##-##-##-##" },
    ],
  };
  const MB = 1_000_000;
  const fill = (unit: string) => unit.repeat(Math.ceil(MB / unit.length)).slice(0, MB);
  const pathological: [string, string][] = [
    ["one letter", fill("a")],
    ["sk-ant- prefixes", fill("sk-ant-")],
    ["sk- prefixes", fill("sk-")],
    ["JWT starts", fill("eyJ")],
    ["JWT-like segments", fill("eyJa.")],
    ["at signs", fill("@")],
    ["local@ runs", fill("a@")],
    ["domains without TLD", fill("a@b.")],
    ["card groups", fill("4111 ")],
    ["one digit run", fill("1")],
    ["digit pairs", fill("12-")],
    ["bearer words", fill("Bearer ")],
    ["bearer then spaces", "Bearer" + " ".repeat(MB)],
    ["secret names", fill("password=")],
    ["secret names and values", fill("token: a1")],
    ["PEM headers", fill("-----BEGIN PRIVATE KEY-----")],
    ["glob stars", fill("EMP-")],
    ["word runs", fill("bob")],
    ["mixed", fill("sk-ant-a@b.c eyJ 4111-EMP-1-")],
  ];

  it.each(pathological)("redacts a 1 MB input of %s in well under a second", (_name, text) => {
    const r = redactor(config);
    const t = performance.now();
    const out = r(text);
    const ms = performance.now() - t;
    expect(out.text.length).toBeGreaterThan(0);
    // Linear scanners take ~10–300 ms here; a quadratic one would take minutes.
    expect(ms).toBeLessThan(1_500);
  });

  it("cuts input past the cap and says so, rather than storing it unredacted", () => {
    const r = redactor({}, { maxChars: 20 });
    expect(r("mail ann@example.com and more text after").text).toBe("mail [redacted:email]\n[redacted:truncated 20 characters]");
  });
});
