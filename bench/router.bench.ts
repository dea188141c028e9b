/**
 * Decision latency of the local classifier stage (classifierStage: feature
 * extraction, scoring, difficulty tier and the explanation), in milliseconds,
 * for 4,000-character and 100,000-character prompts. Targets: p99 <= 1 ms and
 * <= 5 ms, reported as one p99 per round (…decision_p99…). Also reports the CPU
 * time of the same calls (…decision_cpu…).
 *
 *   npx tsx bench/router.bench.ts      prints p50 / p99 / max
 *
 * Prompts are generated deterministically (a seeded PRNG over a mixed
 * vocabulary, with code, numbers, lists and a question), 8 variants per size
 * so runs do not replay one string. They are passed through JSON, as a
 * request body would be, so they are flat strings like the gateway's.
 */
import { pathToFileURL } from "node:url";
import { classifierStage, DEFAULT_THRESHOLD } from "../lib/routing/classifier/index";

const WARMUP = 100;
/** Timed runs per size (the quick mode of bench/run.ts still takes 200). */
const RUNS = 1000;
const QUICK_RUNS = 200;
/** The targets are p99s: the report gets one p99 per round of this many runs, so its median and spread are p99s. */
const ROUND = 200;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const WORDS =
  "the service request latency database query cache user order payment retry timeout error budget plan schedule must at least why does design trade-off summary translate extract table value report customer team week constraint proof derive complexity thread memory leak deploy cluster 2024 17 3.5 $120 über naïve 数据 ошибка".split(
    " ",
  );
const CODE = [
  "```python",
  "def handler(event, context):",
  "    rows = db.query('SELECT * FROM orders WHERE id = %s', (event['id'],))",
  "    for r in rows:",
  "        total += r.amount * 1.19",
  "    return {'status': 200, 'total': total}",
  "```",
].join("\n");

/** A prompt of exactly `chars` characters: prose, a list, a code block, numbers, and a question at the end. */
export function makePrompt(chars: number, seed: number): string {
  const r = rng(seed);
  const parts: string[] = [];
  let len = 0;
  let line = 0;
  while (len < chars) {
    let p: string;
    const k = r();
    if (k < 0.05) p = CODE;
    else if (k < 0.15) p = `- ${WORDS[Math.floor(r() * WORDS.length)]} must be at most ${Math.floor(r() * 100)}`;
    else {
      const n = 8 + Math.floor(r() * 20);
      const ws: string[] = [];
      for (let i = 0; i < n; i++) ws.push(WORDS[Math.floor(r() * WORDS.length)]!);
      p = ws.join(" ") + (r() < 0.2 ? "?" : ".");
    }
    parts.push(p);
    len += p.length + 1;
    line++;
  }
  const question = "\n\nWhy does the job above fail under load, and how would you fix it without downtime?";
  return (parts.join("\n").slice(0, chars - question.length) + question).slice(0, chars);
}

export async function benchRouter(opts?: { quick?: boolean }): Promise<{ name: string; unit: string; samples: number[] }[]> {
  const runs = opts?.quick ? QUICK_RUNS : RUNS;
  const out: { name: string; unit: string; samples: number[] }[] = [];
  for (const [name, chars] of [
    ["router.classifier.decision.4k_chars", 4_000],
    ["router.classifier.decision.100k_chars", 100_000],
  ] as const) {
    const prompts = Array.from({ length: 8 }, (_, i) => JSON.parse(JSON.stringify(makePrompt(chars, 1000 + i))) as string);
    for (let i = 0; i < WARMUP; i++) classifierStage(prompts[i % prompts.length]!, DEFAULT_THRESHOLD);
    const samples: number[] = [];
    const cpu: number[] = [];
    let sink = 0;
    for (let i = 0; i < runs; i++) {
      const p = prompts[i % prompts.length]!;
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const d = classifierStage(p, DEFAULT_THRESHOLD);
      samples.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
      sink += d.score;
    }
    if (!Number.isFinite(sink)) throw new Error("non-finite score");
    out.push({ name, unit: "ms", samples });
    const p99s: number[] = [];
    for (let i = 0; i + ROUND <= samples.length; i += ROUND) p99s.push(quantile([...samples.slice(i, i + ROUND)].sort((a, b) => a - b), 0.99));
    out.push({ name: name.replace("decision.", "decision_p99."), unit: `ms (p99 per round of ${ROUND})`, samples: p99s });
    // CPU time of the same calls: what the decision costs without the time the
    // OS gave other processes (on a loaded machine the wall-clock tail is
    // mostly preemption). Resolution ~1 us.
    out.push({ name: name.replace("decision", "decision_cpu"), unit: "ms", samples: cpu });
  }
  return out;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  void benchRouter().then((figures) => {
    for (const r of figures) {
      const s = [...r.samples].sort((a, b) => a - b);
      process.stdout.write(
        `${r.name}: n=${s.length} p50 ${quantile(s, 0.5).toFixed(3)} ${r.unit}, p99 ${quantile(s, 0.99).toFixed(3)} ${r.unit}, max ${s[s.length - 1]!.toFixed(3)} ${r.unit}\n`,
      );
    }
  });
}
