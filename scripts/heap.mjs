/**
 * The gateway's heap ceiling, passed to Node as --max-old-space-size.
 *
 * Node sizes the heap limit from the machine's memory (about 4 GiB here), and
 * V8 then lets garbage pile up towards it before collecting: under 1,000+
 * requests per second the process grew to ~485 MiB RSS while its live data
 * stayed under 90 MiB. With a ceiling V8 collects earlier, at no cost in
 * throughput measured: ~280 MiB after 50,000 requests at 512 MiB. The default
 * leaves several times the live data as room for large prompts and long
 * streams; THINKGATE_MAX_HEAP_MB changes it (0 = Node's own default).
 */
export function heapFlags(env = process.env) {
  const mb = env.THINKGATE_MAX_HEAP_MB === undefined ? 512 : Number(env.THINKGATE_MAX_HEAP_MB);
  if (!Number.isInteger(mb) || mb < 0) throw new Error(`THINKGATE_MAX_HEAP_MB must be a whole number of MiB (0 = Node's default), got "${env.THINKGATE_MAX_HEAP_MB}"`);
  return mb === 0 ? [] : [`--max-old-space-size=${mb}`];
}

/**
 * Environment for the server process: glibc's malloc arenas capped at 2.
 *
 * By default glibc gives each thread that allocates an arena of its own (up
 * to 8 per core); the server has a dozen threads (libuv's pool, V8's, the
 * record thread), and memory freed in one arena is not reused by another nor
 * returned. Measured over 50,000 requests at concurrency 10: RSS 266 → 240
 * MiB API only and 346 → 326 MiB with the pages, no change in requests per
 * second (1 arena cost ~15 % of them). MALLOC_ARENA_MAX set by the caller wins.
 */
export function serverEnv(env = process.env) {
  return { MALLOC_ARENA_MAX: env.MALLOC_ARENA_MAX ?? "2" };
}
