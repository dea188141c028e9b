/** The calibration lab over HTTP: viewers read; editors and admins build sets and run experiments; applying one changes a route, which takes the role that edits routes. */
import { json, type Handler } from "../api/http";
import { withApi } from "../api/wrap";
import { ROUTE_EDITOR } from "../auth/roles";
import { authorOf } from "../rules/api";
import {
  addItems,
  addItemsBody,
  applyBody,
  applyExperiment,
  cancelExperiment,
  createExperiment,
  createExperimentBody,
  createSet,
  createSetBody,
  deleteSet,
  experimentTrials,
  getExperiment,
  getSet,
  gridModels,
  listExperiments,
  listSets,
  resumeExperiment,
  setPageQuery,
  trialPageQuery,
} from "./service";

export const listSetsHandler: Handler = withApi({ role: "viewer" }, async () => json(200, { data: await listSets() }));

export const createSetHandler: Handler = withApi({ role: "editor", body: createSetBody }, async ({ body, principal }) =>
  json(201, await createSet(body, authorOf(principal))),
);

export const getSetHandler: Handler = withApi({ role: "viewer" }, async ({ req }) =>
  json(200, await getSet(req.params.id!, setPageQuery.parse(Object.fromEntries(req.query)))),
);

export const deleteSetHandler: Handler = withApi({ role: "editor" }, async ({ req }) => {
  await deleteSet(req.params.id!);
  return json(200, { ok: true });
});

export const addItemsHandler: Handler = withApi({ role: "editor", body: addItemsBody }, async ({ req, body }) => json(201, await addItems(req.params.id!, body)));

export const gridModelsHandler: Handler = withApi({ role: "viewer" }, async () => json(200, { data: gridModels() }));

export const listExperimentsHandler: Handler = withApi({ role: "viewer" }, async ({ req }) =>
  json(200, { data: await listExperiments(req.query.get("setId") ?? undefined) }),
);

export const createExperimentHandler: Handler = withApi({ role: "editor", body: createExperimentBody }, async ({ body, principal }) =>
  json(201, await createExperiment(body, authorOf(principal))),
);

export const getExperimentHandler: Handler = withApi({ role: "viewer" }, async ({ req }) => json(200, await getExperiment(req.params.id!)));

export const experimentTrialsHandler: Handler = withApi({ role: "viewer" }, async ({ req }) =>
  json(200, await experimentTrials(req.params.id!, trialPageQuery.parse(Object.fromEntries(req.query)))),
);

export const cancelExperimentHandler: Handler = withApi({ role: "editor" }, async ({ req }) => json(200, await cancelExperiment(req.params.id!)));

export const resumeExperimentHandler: Handler = withApi({ role: "editor" }, async ({ req }) => json(200, await resumeExperiment(req.params.id!)));

/** Sets a route's thinking: the same permission as editing the route on the routes API (putRouteHandler). */
export const applyExperimentHandler: Handler = withApi({ role: ROUTE_EDITOR, body: applyBody }, async ({ req, body, principal }) =>
  json(200, await applyExperiment(req.params.id!, body, authorOf(principal))),
);
