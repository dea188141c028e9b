/**
 * Batch creation under memory pressure: the gateway's heap while clients
 * create the largest batches at once.
 *
 *   batches.create_100k_x3.peak_heap_mib    peak V8 heap used (nodejs_heap_size_used_bytes, polled
 *                                           every 100 ms) while 3 clients create a 100,000-item batch
 *                                           each (12.6 MB bodies) at the same moment; the heap ceiling
 *                                           is npm start's 512 MiB
 *   batches.create_100k_x3.wall_s           until the last of the three is answered
 *   batches.create_100k_x3.accepted         how many were accepted (200): all 3, or the bench fails
 *   batches.create_100k_x3.retried_529      529s retried (a create that waited its turn past 60 s is
 *                                           told to retry, as the SDKs do, after its retry-after)
 *
 * Two such creates at once used to run the heap out and kill the process;
 * creates now take turns (lib/batches/create-budget.ts). The standalone
 * simulator at zero latency is the upstream.
 *
 *   npx tsx bench/batches.bench.ts [--quick]     prints the figures (quick: 20,000 items each)
 *   npm run bench -- --only batches [--quick]    through bench/run.ts
 */
import { pathToFileURL } from "node:url";
import { startGateway, startSimulator } from "./procs";

export interface BenchFigure {
  name: string;
  unit: string;
  samples: number[];
}

export async function batchesBench(opts: { quick?: boolean } = {}): Promise<BenchFigure[]> {
  const items = opts.quick ? 20_000 : 100_000;
  const clients = 3;
  const sim = await startSimulator();
  const gw = await startGateway(`${sim.url}/api/simulator`, { env: { LOG_LEVEL: "warn" } });
  try {
    let peak = 0;
    let polling = true;
    const poll = (async () => {
      while (polling) {
        const text = await fetch(`${gw.url}/api/metrics`, { headers: { "x-api-key": gw.adminKey } }).then((r) => r.text(), () => "");
        const m = /^nodejs_heap_size_used_bytes (\d+)/m.exec(text);
        if (m) peak = Math.max(peak, Number(m[1]));
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const body = JSON.stringify({
      requests: Array.from({ length: items }, (_, i) => ({ custom_id: `c${i}`, params: { model: "claude-sonnet-4-6", max_tokens: 5, messages: [{ role: "user", content: `question ${i}` }] } })),
    });
    const t0 = performance.now();
    let retried = 0;
    // As the SDKs do: a 529 (the create waited its turn too long) is retried after its retry-after, twice at most.
    const create = async (): Promise<number> => {
      for (let attempt = 0; ; attempt++) {
        const r = await fetch(`${gw.url}/v1/messages/batches`, { method: "POST", headers: { "x-api-key": gw.adminKey, "anthropic-version": "2023-06-01", "content-type": "application/json" }, body }).catch(() => null);
        if (!r) return 0;
        await r.arrayBuffer();
        if (r.status !== 529 || attempt === 2) return r.status;
        retried++;
        await new Promise((res) => setTimeout(res, 1000 * Number(r.headers.get("retry-after") ?? 1)));
      }
    };
    const statuses = await Promise.all(Array.from({ length: clients }, create));
    const wall = (performance.now() - t0) / 1000;
    polling = false;
    await poll;
    const accepted = statuses.filter((s) => s === 200).length;
    if (accepted !== clients) throw new Error(`batches bench: ${accepted} of ${clients} creates accepted (statuses ${statuses.join(", ")})`);
    const name = `batches.create_${items / 1000}k_x${clients}`;
    return [
      { name: `${name}.peak_heap_mib`, unit: "MiB", samples: [peak / 2 ** 20] },
      { name: `${name}.wall_s`, unit: "s", samples: [wall] },
      { name: `${name}.accepted`, unit: "creates", samples: [accepted] },
      { name: `${name}.retried_529`, unit: "retries", samples: [retried] },
    ];
  } finally {
    await gw.stop();
    await sim.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  batchesBench({ quick: process.argv.includes("--quick") }).then((f) => console.log(JSON.stringify(f, null, 2)));
}
