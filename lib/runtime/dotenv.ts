/**
 * Imported first by server.ts, for its side effect: `.env` is loaded before any
 * other module reads process.env at import time (the logger's LOG_LEVEL, cache
 * lifetimes), so the file behaves exactly like the real environment.
 */
import { loadDotEnv } from "./env";
import { projectRoot } from "./root";

loadDotEnv(projectRoot());
