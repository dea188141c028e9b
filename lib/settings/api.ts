/** Routes, app policies and routing settings over HTTP: everyone signed in reads, admins change. */
import { json, type Handler } from "../api/http";
import { requestsRepo } from "../db/requests.repo";
import { withApi } from "../api/wrap";
import { ROUTE_EDITOR } from "../auth/roles";
import { configRepo } from "../db/config.repo";
import {
  appBody,
  appView,
  deleteApp,
  getSettingsView,
  listRoutes,
  parseAppName,
  parseRouteId,
  putApp,
  putRoute,
  putSettings,
  routeBody,
  settingsBody,
} from "./service";

export const getRoutes: Handler = withApi({ role: "viewer" }, async () => json(200, await listRoutes()));

export const putRouteHandler: Handler = withApi({ role: ROUTE_EDITOR, body: routeBody }, async ({ req, body }) =>
  json(200, await putRoute(parseRouteId(req.params.id), body)),
);

export const getApps: Handler = withApi({ role: "viewer" }, async () =>
  json(200, { data: await Promise.all((await configRepo.apps()).map(async (a) => ({ ...appView(a), client: await requestsRepo.lastClient({ app: a.name }) }))) }),
);

export const putAppHandler: Handler = withApi({ role: "admin", body: appBody }, async ({ req, body }) =>
  json(200, await putApp(parseAppName(req.params.name), body)),
);

export const deleteAppHandler: Handler = withApi({ role: "admin" }, async ({ req }) => {
  await deleteApp(parseAppName(req.params.name));
  return json(200, { ok: true });
});

export const getSettingsHandler: Handler = withApi({ role: "viewer" }, async () => json(200, await getSettingsView()));

export const putSettingsHandler: Handler = withApi({ role: "admin", body: settingsBody }, async ({ body }) => json(200, await putSettings(body)));
