/** Read API over stored request records, and clearing one record's text (admin). */
import { z } from "zod";
import { decimal } from "../api/query-number";
import { notFound } from "../api/errors";
import { json, type Handler } from "../api/http";
import { withApi } from "../api/wrap";
import { logger } from "../observability/logger";
import { requestsRepo } from "../db/requests.repo";
import { tracesRepo } from "../db/traces.repo";
import { recordView } from "./view";

const listQuery = z.object({
  limit: decimal(z.number().int().min(1).max(200)).default(50),
  cursor: z.string().max(64).optional(),
});

/** The newest requests, unfiltered: the trace explorer's list (the same rows and cursor), for the first-run page and scripts. */
export const listRequests: Handler = withApi({ role: "viewer" }, async ({ req }) => {
  const q = listQuery.parse(Object.fromEntries(req.query));
  const { rows, nextCursor } = await tracesRepo.list({}, q.limit, q.cursor);
  return json(200, { data: rows, nextCursor });
});

export const getRequest: Handler = withApi({ role: "viewer" }, async ({ req }) => {
  const row = await requestsRepo.byId(req.params.id ?? "");
  if (!row) throw notFound(`request ${req.params.id} not found`);
  return json(200, recordView(row));
});

/**
 * DELETE /api/requests/{id}/text (admin): clears one record's text now, as
 * the text retention does when it is due (a secret the redaction did not
 * know, a prompt a user asked to have removed). The record, its tokens and
 * cost stay. Answers the record as it is now; clearing it again changes
 * nothing.
 */
export const clearRequestText: Handler = withApi({ role: "admin" }, async ({ req, principal }) => {
  const id = req.params.id ?? "";
  // Clearing an id with no record changes nothing; the read after it says whether there is one.
  const cleared = await requestsRepo.clearText([id]);
  const row = await requestsRepo.byId(id);
  if (!row) throw notFound(`request ${id} not found`);
  if (cleared) logger.info({ requestId: id, by: principal.name }, "request text cleared by an admin");
  return json(200, recordView(row));
});
