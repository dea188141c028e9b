/**
 * Configuration as code over HTTP. Everyone signed in may export and check a
 * file (both change nothing); admins import. The body of validate and import
 * is the file itself, YAML or JSON (by content-type, else by its first
 * character).
 */
import { z } from "zod";
import { json, type Handler } from "../api/http";
import { withApi } from "../api/wrap";
import { authorOf } from "../rules/api";
import { formatOf } from "./format";
import { checkConfig, exportConfig, importConfig } from "./service";

const exportQuery = z.object({ format: z.enum(["yaml", "json"], { error: 'format is "yaml" or "json"' }).default("yaml") });

export const getConfigExport: Handler = withApi({ role: "viewer" }, async ({ req }) => {
  const { format } = exportQuery.parse(Object.fromEntries(req.query));
  const body = await exportConfig(format);
  return {
    status: 200,
    headers: {
      "content-type": format === "json" ? "application/json; charset=utf-8" : "application/yaml; charset=utf-8",
      "content-disposition": `attachment; filename="thinkgate-config.${format}"`,
    },
    body,
  };
});

export const postConfigValidate: Handler = withApi({ role: "viewer", readOnly: true }, async ({ req }) => {
  const { diff, summary } = await checkConfig(await req.text(), formatOf(req.headers["content-type"]));
  return json(200, { valid: true, diff, summary });
});

const flag = z
  .enum(["1", "0", "true", "false"], { error: "dryRun is 1 or 0" })
  .optional()
  .transform((v) => v === "1" || v === "true");
const importQuery = z.object({ dryRun: flag, file: z.string().trim().min(1).max(200).optional() });

export const postConfigImport: Handler = withApi({ role: "admin" }, async ({ req, principal }) => {
  const q = importQuery.parse(Object.fromEntries(req.query));
  const result = await importConfig(await req.text(), {
    format: formatOf(q.file) ?? formatOf(req.headers["content-type"]),
    author: authorOf(principal),
    source: q.file ?? "an API upload",
    dryRun: q.dryRun,
  });
  return json(200, result);
});
