/** Types of scripts/build-server.mjs (plain Node, run by `npm start` before anything is compiled). */
export const SERVER_BUNDLE: string;
export function buildServer(): Promise<string>;
