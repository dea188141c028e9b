/** The cost dashboard's API (viewer role): the summary as JSON, and the same numbers as CSV. */
import type { Handler } from "../api/http";
import { json } from "../api/http";
import { withApi } from "../api/wrap";
import { summaryToCsv } from "./csv";
import { costQuerySchema } from "./range";
import { costSummary } from "./summary";

export const getCostSummary: Handler = withApi({ role: "viewer" }, async ({ req }) => {
  return json(200, await costSummary(costQuerySchema.parse(Object.fromEntries(req.query))));
});

export const exportCostsCsv: Handler = withApi({ role: "viewer" }, async ({ req }) => {
  const q = costQuerySchema.parse({ ...Object.fromEntries(req.query), top: 0 });
  const summary = await costSummary(q);
  const name = `thinkgate-costs_${summary.range.from.slice(0, 10)}_${summary.range.to.slice(0, 10)}_${q.granularity}_by-${q.groupBy}.csv`;
  return {
    status: 200,
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${name}"`, "cache-control": "no-store" },
    body: summaryToCsv(summary),
  };
});
