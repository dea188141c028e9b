/**
 * The hedge count stored on each record, so the trace explorer can filter
 * "has hedging" with an index instead of re-reading a million thinking traces.
 * Counted over the thinking and the answer: a model that hedges in its answer
 * matters to the reader as much as one that hedges while thinking.
 */
import { extractSignals } from "./signals";

/** Texts longer than this are counted on their first part only: the count runs on the recording path. */
const MAX_COUNTED_CHARS = 200_000;

export function hedgeCountOf(...texts: (string | null | undefined)[]): number | null {
  let seen = false;
  let count = 0;
  for (const text of texts) {
    if (!text) continue;
    seen = true;
    count += extractSignals(text.length > MAX_COUNTED_CHARS ? text.slice(0, MAX_COUNTED_CHARS) : text).stats.counts.hedge;
  }
  // Nothing to read (an error, or omitted thinking and no answer): unknown, not zero.
  return seen ? count : null;
}
