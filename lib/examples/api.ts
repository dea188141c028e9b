/**
 * Labelled examples over HTTP: save a prompt as needing reasoning or not (from
 * the playground; traces are labelled through /api/traces/:id/label), and list
 * them for the router's retraining.
 */
import { z } from "zod";
import { decimal } from "../api/query-number";
import { json, type Handler } from "../api/http";
import { withApi } from "../api/wrap";
import { examplesRepo } from "../db/examples.repo";

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((v) => v || null);

const exampleBody = z
  .object({
    prompt: z.string().trim().min(1, "prompt: must not be empty").max(200_000),
    system: optionalText(50_000),
    app: optionalText(200),
    task: optionalText(200),
    label: z.enum(["reasoning", "standard"]),
    requestId: z.string().regex(/^req_[0-9a-z]+$/).max(64).optional(),
    note: z.string().max(2000).default(""),
  })
  .strict();

export const createExample: Handler = withApi({ role: "viewer", body: exampleBody }, async ({ body, principal }) => {
  const example = await examplesRepo.save({ ...body, requestId: body.requestId ?? null, source: "playground", createdBy: principal.name });
  return json(201, example);
});

const listQuery = z.object({
  limit: decimal(z.number().int().min(1).max(500)).default(100),
  cursor: z.string().max(64).optional(),
});

export const listExamples: Handler = withApi({ role: "viewer" }, async ({ req }) => {
  const q = listQuery.parse(Object.fromEntries(req.query));
  const { rows, nextCursor } = await examplesRepo.list(q.limit, q.cursor);
  return json(200, { data: rows, nextCursor });
});
