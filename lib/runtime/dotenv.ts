/**
 * Imported first by server.ts, for its side effect: `.env` is loaded before any
 * other module reads process.env at import time (the logger's LOG_LEVEL, cache
 * lifetimes), so the file behaves exactly like the real environment.
 */
import path from "node:path";
import { loadDotEnv } from "./env";

loadDotEnv(path.resolve(__dirname, "../.."));
