/**
 * The spend the records hold: what each request counted against its key's
 * and its app's daily budgets (budgetUsd, admission.ts budgetCharge), summed
 * per scope as admission.ts names them (key:<id>, app:<name in lower case>).
 * Read when the live count is gone: at a start without Redis (reload.ts), and
 * when Redis lost a day's state (redis.ts seeds it again).
 */
import { requestsRepo } from "../db/requests.repo";
import { toMicro, utcDay } from "./limiter";

/** Today's spend per scope (key:<id>, app:<name>, as admission.ts names them) of records created before `before`. */
export async function spendBefore(before: Date): Promise<Map<string, number>> {
  const from = new Date(`${utcDay(before)}T00:00:00.000Z`);
  const { keys, apps } = await requestsRepo.budgetSpend(from, before);
  const out = new Map<string, number>();
  const add = (scope: string, usd: number) => out.set(scope, (out.get(scope) ?? 0) + toMicro(usd));
  for (const k of keys) add(`key:${k.keyId}`, k.usd);
  // An app's budget counts its requests whatever case its header was sent in.
  for (const a of apps) add(`app:${a.app.toLowerCase()}`, a.usd);
  return out;
}

/**
 * What the records of one scope's UTC day counted against its budget, in
 * micro-dollars, without the records `exceptIds`: the seed of a day whose
 * state Redis does not have (redis.ts explains when, and why it adds up).
 */
export async function spendOf(scope: string, day: string, exceptIds: string[]): Promise<number> {
  const from = new Date(`${day}T00:00:00.000Z`);
  const before = new Date(from.getTime() + 86_400_000);
  const [kind, ...rest] = scope.split(":");
  const name = rest.join(":");
  const usd = await requestsRepo.budgetSpendOf(kind === "key" ? { keyId: name } : { app: name }, from, before, exceptIds);
  return toMicro(usd);
}
