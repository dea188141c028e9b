/**
 * The signal columns of a request record, computed once when the record is
 * built: counts of each signal kind over the thinking and the answer, hedge
 * and assumption densities of the thinking, the answer's hedge density, the
 * thinking's position profile and its normalised assumptions, and the
 * failure score (probability that the answer is wrong) with its reasons.
 *
 * Runs on the recording path, after the upstream answered, on the event loop:
 * the extractor reads ~5 MB/s, so a typical summarized trace (a few KB) costs
 * about a millisecond. Texts are analysed up to MAX_ANALYSED_CHARS (~40 ms);
 * past that the counts cover the first part only.
 */
import { scoreFailure } from "./failure-score";
import { assumptionKeys } from "./patterns";
import { extractSignals, type SignalStats } from "./signals";

/** Texts are read up to this bound, so a huge trace cannot stall the recorder. */
export const MAX_ANALYSED_CHARS = 200_000;

export interface RecordSignals {
  hedgeCount: number | null;
  assumptionCount: number | null;
  selfCorrectionCount: number | null;
  alternativeCount: number | null;
  stuckCount: number | null;
  hedgeDensity: number | null;
  assumptionDensity: number | null;
  answerHedgeDensity: number | null;
  signalProfile: string | null;
  assumptionKeys: string | null;
  /** Probability that the answer is wrong (failure-score.ts); null without thinking text. */
  failureScore: number | null;
  /** JSON array of the score's reasons ({feature, text, logOdds}), strongest first. */
  failureReasons: string | null;
}

export interface RecordAnalysis {
  columns: RecordSignals;
  /** Hedges in the thinking alone (the sampling rule's minimum). */
  thinkingHedges: number;
}

const r = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

function stats(text: string | null): { stats: SignalStats; keys: string[] } | null {
  if (!text) return null;
  const t = text.length > MAX_ANALYSED_CHARS ? text.slice(0, MAX_ANALYSED_CHARS) : text;
  const { spans, stats } = extractSignals(t);
  return { stats, keys: assumptionKeys(t, spans) };
}

/** Signal columns for the stored (already redacted) thinking and answer; nulls where there was nothing to read. */
export function analyseRecordText(thinking: string | null, answer: string | null): RecordAnalysis {
  const th = stats(thinking);
  const an = stats(answer);
  const failure = th ? scoreFailure({ thinking: th.stats, answer: an?.stats ?? null }) : null;
  const count = (k: keyof SignalStats["counts"]): number | null => (th || an ? (th?.stats.counts[k] ?? 0) + (an?.stats.counts[k] ?? 0) : null);
  return {
    thinkingHedges: th?.stats.counts.hedge ?? 0,
    columns: {
      hedgeCount: count("hedge"),
      assumptionCount: count("assumption"),
      selfCorrectionCount: count("self_correction"),
      alternativeCount: count("alternative"),
      stuckCount: count("stuck"),
      hedgeDensity: th ? r(th.stats.density.hedge, 3) : null,
      assumptionDensity: th ? r(th.stats.density.assumption, 3) : null,
      answerHedgeDensity: an ? r(an.stats.density.hedge, 3) : null,
      signalProfile: th
        ? JSON.stringify({
            total: th.stats.positionDensity.total.map((x) => r(x, 1)),
            hedge: th.stats.positionDensity.byKind.hedge.map((x) => r(x, 1)),
          })
        : null,
      assumptionKeys: th ? JSON.stringify(th.keys) : null,
      failureScore: failure ? r(failure.p, 4) : null,
      failureReasons: failure ? JSON.stringify(failure.reasons) : null,
    },
  };
}
