/** Types of scripts/heap.mjs (plain Node, so `npm start` runs before anything is compiled). */
export function heapFlags(env?: NodeJS.ProcessEnv): string[];
export function serverEnv(env?: NodeJS.ProcessEnv): { MALLOC_ARENA_MAX: string };
