/**
 * Long thinking texts for the trace page's render tests and bench: reasoning
 * prose in paragraphs, deterministic for a given size and density.
 *
 *   realistic  a hedge, assumption or self-correction every sentence or two
 *              (a hedge-heavy model): ~6 spans per KB
 *   dense      every few words a signal phrase: ~45 spans per KB (a 1 MB
 *              trace has ~46,000 spans), the worst case the page must carry
 */
import { rng } from "./rng";

const PLAIN = [
  "The stack trace points at `parseConfig`, where `opts.timeout` is undefined.",
  "The worker calls `wait()` and blocks until the queue is non-empty.",
  "The migration has three phases: dual-write, backfill, and cut-over.",
  "If the list is empty, the sum is zero by convention.",
  "The derivative of x^3 is 3x^2, and at x = 1 that is 3.",
  "Therefore the perimeter is 12, which matches the diagram.",
  "Let me compute the first few values: 1, 2, 3, 5, 8.",
  "The endpoint passes the `redirect` parameter straight to `res.redirect()`.",
];
const SIGNAL = [
  "I think the recurrence is f(n) = f(n-1) + f(n-2), which is Fibonacci.",
  "Wait, that only holds if the tiles are 1×2; the prompt says dominoes, so yes.",
  "Assuming the board is 2 rows high, the last column is either one vertical tile or two horizontal ones.",
  "Alternatively, we could write the transfer matrix and take its n-th power.",
  "Maybe the env var isn't picked up because the process started before the change.",
  "Actually, the config is read at startup only, so a restart is needed anyway.",
  "It might be a race between the cleanup goroutine and the request handler.",
  "I'm not sure the ORM flushes before the transaction commits.",
  "That's probably unrealistic for a single quarter.",
  "Hmm, that's not right: 400M divided by 20k is 20,000 seconds.",
];
const DENSE = [
  "I think maybe",
  "probably",
  "Wait, no,",
  "assuming",
  "it seems",
  "Alternatively,",
  "perhaps",
  "I'm not sure",
  "Actually,",
  "possibly",
];
const WORDS = "the cache retry budget latency queue lock index route".split(" ");

export type ThinkingDensity = "realistic" | "dense";

/** A thinking text of `chars` characters (cut at the last word that fits). */
export function longThinking(chars: number, density: ThinkingDensity, seed = 7): string {
  const r = rng(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  const parts: string[] = [];
  let len = 0;
  let inParagraph = 0;
  while (len < chars) {
    let s: string;
    if (density === "dense") s = `${pick(DENSE)} ${pick(WORDS)} ${pick(DENSE).toLowerCase()} ${pick(WORDS)}.`;
    else s = r() < 0.6 ? pick(SIGNAL) : pick(PLAIN);
    const sep = ++inParagraph >= 4 + Math.floor(r() * 5) ? ((inParagraph = 0), "\n\n") : " ";
    parts.push(s, sep);
    len += s.length + sep.length;
  }
  const text = parts.join("");
  return text.length <= chars ? text : text.slice(0, text.lastIndexOf(" ", chars)).trimEnd();
}
