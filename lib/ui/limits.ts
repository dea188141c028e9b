/** Key and app limits as the settings tabs show and edit them (the API's `limits` object, lib/limits/policy.ts). */

export interface LimitsView {
  rpm: number | null;
  usdPerDay: number | null;
  action: "reject" | "downgrade";
}

export const NO_LIMITS: LimitsView = { rpm: null, usdPerDay: null, action: "reject" };

/** What the form fields hold: text, so an empty field means "no limit". */
export interface LimitsDraft {
  rpm: string;
  usdPerDay: string;
  action: LimitsView["action"];
}

export function toDraft(l: LimitsView | undefined): LimitsDraft {
  const v = l ?? NO_LIMITS;
  return { rpm: v.rpm === null ? "" : String(v.rpm), usdPerDay: v.usdPerDay === null ? "" : String(v.usdPerDay), action: v.action };
}

/** The draft as the API takes it; a field that is not a number is sent as is, so the server's message names it. */
export function fromDraft(d: LimitsDraft): { rpm: number | null; usdPerDay: number | null; action: LimitsView["action"] } {
  const num = (s: string) => (s.trim() === "" ? null : Number(s.trim()));
  return { rpm: num(d.rpm), usdPerDay: num(d.usdPerDay), action: d.action };
}

/** One line for a table cell: "60 rpm · $5.00/day, downgrade", or "none". */
export function limitsSummary(l: LimitsView | undefined): string {
  if (!l || (l.rpm === null && l.usdPerDay === null)) return "none";
  const parts: string[] = [];
  if (l.rpm !== null) parts.push(`${l.rpm} rpm`);
  if (l.usdPerDay !== null) parts.push(`$${l.usdPerDay.toFixed(2)}/day${l.action === "downgrade" ? ", then standard" : ""}`);
  return parts.join(" · ");
}
