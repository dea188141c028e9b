/**
 * The router page's API. Viewers read; editors retrain, apply and roll back
 * (as for the rules: a model decides routing for everyone).
 *
 *   GET  /api/router                           the model in use, the labels, the versions and their evaluation
 *   POST /api/router/retrain                   train a candidate (seconds, on a thread); 201 with the version
 *   POST /api/router/versions/:version/apply   put a candidate in use; 409 when it is worse
 *   POST /api/router/versions/:version/rollback  back to a version that was in use, or to "base"
 */
import { z } from "zod";
import { decimal, MAX_INT_COLUMN } from "../api/query-number";
import { notFound } from "../api/errors";
import { json, type Handler } from "../api/http";
import { withApi } from "../api/wrap";
import { authorOf } from "../rules/api";
import { applyVersion, overview, retrain, rollbackTo, type Target } from "./service";

const versionParam = decimal(z.number().int().min(1).max(MAX_INT_COLUMN));

function target(raw: string | undefined, allowBase: boolean): Target {
  if (allowBase && raw === "base") return "base";
  const v = versionParam.safeParse(raw);
  if (!v.success) throw notFound(`router model version ${raw} does not exist`);
  return v.data;
}

export const getRouter: Handler = withApi({ role: "viewer" }, async () => json(200, await overview()));

export const postRetrain: Handler = withApi({ role: "editor" }, async ({ principal }) => json(201, await retrain(authorOf(principal))));

export const postApplyVersion: Handler = withApi({ role: "editor" }, async ({ req }) => json(200, await applyVersion(target(req.params.version, false) as number)));

export const postRollbackVersion: Handler = withApi({ role: "editor" }, async ({ req }) => json(200, await rollbackTo(target(req.params.version, true))));
