/**
 * What the trace page says about an escalation, read from the record's hops
 * (lib/recorder/build.ts Hop): each standard answer that was set aside, with
 * its text and why, and whether the answer finally served still failed the
 * route's validators. Tolerates hops stored before these fields existed.
 */
export interface RejectedAnswer {
  model: string;
  routeId: string | null;
  /** null on records from before rejected answers were kept */
  answer: string | null;
  reasons: string[];
}

export interface EscalationView {
  rejected: RejectedAnswer[];
  /** Why the served answer failed its validators; null when it passed or was not checked. */
  validatorFailed: string[] | null;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

export function escalationView(hops: unknown): EscalationView {
  const list = Array.isArray(hops) ? (hops as Record<string, unknown>[]).filter((h) => h && typeof h === "object") : [];
  const rejected = list
    .filter((h) => h.escalated === true)
    .map((h) => ({
      model: typeof h.model === "string" ? h.model : "unknown",
      routeId: typeof h.routeId === "string" ? h.routeId : null,
      answer: typeof h.answer === "string" ? h.answer : null,
      reasons: strings(h.reasons),
    }));
  const last = list[list.length - 1];
  const failed = last ? strings(last.validatorFailed) : [];
  return { rejected, validatorFailed: failed.length ? failed : null };
}

/**
 * The stored hops JSON with each rejected answer's text taken out (the text
 * retention: lib/db/requests.repo.ts clearTextBefore), its model and reasons
 * kept; null when there is no answer text in it (most records) or the column
 * is not a JSON array (left as it is).
 */
export function hopsWithoutAnswers(hops: string): string | null {
  if (!hops.includes('"answer"')) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(hops);
  } catch {
    return null;
  }
  if (!Array.isArray(parsed)) return null;
  return JSON.stringify(parsed.map((h: unknown) => (h && typeof h === "object" && "answer" in h ? { ...h, answer: null } : h)));
}
