/**
 * Signal extractor bench: time of extractSignals() on a synthetic thinking
 * trace of ~130 KB (about 32,000 tokens), built by repeating realistic
 * reasoning sentences (math, debugging, planning, security; hedges,
 * assumptions, self-corrections, alternatives, stuck phrases, markdown and
 * inline code, and tricky negatives) in a fixed pseudo-random order.
 *
 * Figures (ms per extraction, one sample per timed run, after a warm-up):
 *   signals: extract ~130 KB trace          the figure (target ≤ 10 ms p50)
 *   signals: extract ~130 KB trace, CPU      process CPU time of the same runs (less sensitive to a busy machine)
 *   signals: extract per 100 KB, CPU         the same CPU time scaled to 100 KB (lexicon + learned hedge detector)
 *
 *   npx tsx bench/signals.bench.ts           prints p50/p90/min of both figures
 *   npm run bench -- --only signals          through bench/run.ts
 */
import { pathToFileURL } from "node:url";
import { extractSignals } from "../lib/traces/signals";

const SENTENCES = [
  "Okay, so the user wants the number of ways to tile a 2×n board with dominoes.",
  "Let me compute the first few values: 1, 2, 3, 5, 8.",
  "I think the recurrence is f(n) = f(n-1) + f(n-2), which is Fibonacci.",
  "Wait, that only holds if the tiles are 1×2; the prompt says dominoes, so yes.",
  "Assuming the board is 2 rows high, the last column is either one vertical tile or two horizontal ones.",
  "Alternatively, we could write the transfer matrix and take its n-th power.",
  "Hmm, let me double-check n = 4: there are five tilings.",
  "So the answer for n = 10 is 89.",
  "The stack trace points at `parseConfig`, where `opts.timeout` is undefined.",
  "Maybe the env var isn't picked up because the process started before the change.",
  "Actually, the config is read at startup only, so a restart is needed anyway.",
  "The worker calls `wait()` and blocks until the queue is non-empty.",
  "We need to wait for the lock to be released before flushing the buffer.",
  "The struct tracks actually-used memory separately from reserved memory.",
  "It might be a race between the cleanup goroutine and the request handler.",
  "I'm not sure the ORM flushes before the transaction commits.",
  "Another approach is to move validation into a middleware.",
  "**Plan**\n\n1. Reproduce the bug\n2. Bisect\n3. Write a regression test",
  "Let's assume the team has four engineers and one designer.",
  "That's probably unrealistic for a single quarter.",
  "Or maybe we ship the web app first and reuse the API later.",
  "The migration has three phases: dual-write, backfill, and cut-over.",
  "If the list is empty, the sum is zero by convention.",
  "We should think about the cache invalidation path first.",
  "The endpoint passes the `redirect` parameter straight to `res.redirect()`.",
  "That's an open redirect, since there's no allow-list of hosts.",
  "Presumably the same pattern exists elsewhere with string parameters.",
  "I'm stuck on how the attacker gets the CSRF token; it's rotated per request.",
  "This is getting complicated, so let me write the cases as a table.",
  "Hmm, that's not right: 400M divided by 20k is 20,000 seconds.",
  "The probability is 1/3 because the car is equally likely to be behind any door.",
  "On second thought, modular arithmetic is simpler than expanding everything.",
  "The derivative of x^3 is 3x^2, and at x = 1 that is 3.",
  "I can't figure out why the two methods give different answers.",
  "Let me reconsider the case where both roots are negative.",
  "It seems the series converges, since the terms decrease like 1/n^2.",
  "The variable `probably_cache` is set in `init()` and never read again.",
  "Therefore the perimeter is 12, which matches the diagram.",
];

/** Deterministic trace of at least `targetChars` characters (sentences in a fixed pseudo-random order). */
function syntheticTrace(targetChars = 130_000): string {
  let seed = 20250601;
  const next = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
    return seed;
  };
  const parts: string[] = [];
  let len = 0;
  while (len < targetChars) {
    const s = SENTENCES[next() % SENTENCES.length]!;
    const sep = next() % 5 === 0 ? "\n\n" : " ";
    parts.push(s, sep);
    len += s.length + sep.length;
  }
  return parts.join("");
}

export interface BenchFigure {
  name: string;
  unit: string;
  samples: number[];
}

export async function benchSignals(opts?: { quick?: boolean }): Promise<BenchFigure[]> {
  const text = syntheticTrace();
  const warmup = opts?.quick ? 10 : 30;
  const runs = opts?.quick ? 30 : 100;
  let sink = 0;
  for (let i = 0; i < warmup; i++) sink += extractSignals(text).spans.length;
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    sink += extractSignals(text).spans.length;
    const t1 = performance.now();
    const c = process.cpuUsage(c0);
    wall.push(t1 - t0);
    cpu.push((c.user + c.system) / 1000);
  }
  if (sink < 0) throw new Error("unreachable"); // keep the result alive
  const kb = Math.round(text.length / 1000);
  const per100k = 100_000 / text.length;
  return [
    { name: `signals: extract ~${kb} KB trace`, unit: "ms", samples: wall },
    { name: `signals: extract ~${kb} KB trace, CPU`, unit: "ms", samples: cpu },
    // The same runs scaled to 100 KB (the extractor is linear): the record thread's cost per 100 KB of thinking.
    { name: "signals: extract per 100 KB, CPU", unit: "ms", samples: cpu.map((x) => x * per100k) },
  ];
}

export default benchSignals;

function pct(xs: number[], p: number): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === pathToFileURL(__filename).href) {
  void benchSignals().then((figs) => {
    const text = syntheticTrace();
    const { stats } = extractSignals(text);
    process.stdout.write(`trace: ${text.length} chars, ${stats.words} words, ${Object.values(stats.counts).reduce((a, b) => a + b, 0)} spans\n`);
    for (const f of figs) {
      process.stdout.write(`${f.name}: p50 ${pct(f.samples, 0.5).toFixed(2)} ${f.unit}, p90 ${pct(f.samples, 0.9).toFixed(2)}, min ${Math.min(...f.samples).toFixed(2)} (${f.samples.length} runs)\n`);
    }
  });
}
