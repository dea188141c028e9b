#!/usr/bin/env node
/**
 * What a server ran while one /api/health poll waited: the functions that
 * held the main thread in a window of a V8 CPU profile, by own time and by
 * time including what they called.
 *
 *   THINKGATE_TEST_SERVER_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof --cpu-prof-interval=250" \
 *     THINKGATE_TEST_DB=sqlite npx vitest run --project alone -t "<case>"
 *   node scripts/profile-window.mjs /tmp/prof/*.cpuprofile --from <µs> --ms <worst>
 *
 * The event-loop tests print where their worst poll started (µs on the
 * monotonic clock, the clock of the profile's samples) and how long it took.
 * Only the profiles that span the window are read (the server's main thread;
 * its worker threads write profiles of their own).
 */
import fs from "node:fs";

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  return i < 0 ? undefined : Number(args.splice(i, 2)[1]);
};
const from = option("--from");
const ms = option("--ms");
if (from === undefined || ms === undefined || !args.length) {
  console.error("usage: node scripts/profile-window.mjs PROFILE... --from MICROSECONDS --ms MILLISECONDS");
  process.exit(2);
}
const to = from + ms * 1000;
const top = (map, n) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n);

for (const file of args) {
  const profile = JSON.parse(fs.readFileSync(file, "utf8"));
  if (profile.startTime > to || profile.endTime < from) continue;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = (id) => {
    const f = nodes.get(id).callFrame;
    return `${f.functionName || "(anonymous)"} ${f.url.split("/").pop()}:${f.lineNumber + 1}`;
  };
  const own = new Map();
  const under = new Map();
  let t = profile.startTime;
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    if (t < from || t > to) continue;
    // A sample stands for the time until the next one.
    const dt = profile.timeDeltas[i + 1] ?? 0;
    total += dt;
    const id = profile.samples[i];
    own.set(label(id), (own.get(label(id)) ?? 0) + dt);
    const seen = new Set();
    for (let a = id; a !== undefined; a = parent.get(a)) {
      const k = label(a);
      if (!seen.has(k)) under.set(k, (under.get(k) ?? 0) + dt);
      seen.add(k);
    }
  }
  const idle = own.get("(idle) :0") ?? 0;
  console.log(`${file}: ${(total / 1000).toFixed(1)} ms sampled, ${(idle / 1000).toFixed(1)} ms idle`);
  if (total - idle < 1000) continue;
  for (const [k, d] of top(own, 12)) console.log(`  own       ${(d / 1000).toFixed(1).padStart(6)} ms  ${k}`);
  for (const [k, d] of top(under, 25)) console.log(`  including ${(d / 1000).toFixed(1).padStart(6)} ms  ${k}`);
}
