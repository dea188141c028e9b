/**
 * Each item of a Message Batch gets the routing decision a Messages request
 * with the same body and headers would get, and its route applied to its
 * params: the same functions as the Messages path (routeDecision,
 * applyDecision). What a batch cannot have is left out and said so:
 *
 * - pins: an item is one call, not a turn of a conversation thinkgate
 *   has seen, so no pin is looked up or written (thinking thinkgate held
 *   back from an earlier answer is put back all the same);
 * - the LLM classifier stage: one upstream call per ambiguous item, made
 *   while the client waits for its batch to be accepted, for up to 100,000
 *   items; the local score decides;
 * - escalation: a batch's answers come back together, so a weak standard
 *   answer cannot be checked and replaced before it is served.
 *
 * The item's record is written when its result is read (lib/batches/results.ts);
 * here its skeleton is made: the RecordInput of the Messages path without
 * its outcome, its texts redacted as the recorder redacts them, because it
 * waits in the database until then.
 */
import type { Caller } from "../api/wrap";
import { newRequestId } from "../api/ids";
import { applyDecision } from "../gateway/apply";
import { dropStaleHeld, hidesThinkingFor, restoredNote, restoreHeld, type HeldLookup } from "../gateway/hidden-thinking";
import { routeDecision, type Attempt } from "../gateway/messages";
import { recordInput, type RecordInput } from "../gateway/record";
import { routingConfig } from "../routing/config";
import type { PinLookup } from "../routing/pipeline";
import { toRoutable, type MessagesBody } from "../routing/request";
import { turnBudget } from "../runtime/turns";
import { tracesSnapshot } from "../traces/config";
import type { Redactor } from "../traces/redaction";
import type { BatchItem } from "./validate";

/** A RecordInput without its outcome: what is known of an item before its result. */
export type RecordSkeleton = Omit<RecordInput, "outcome">;

/**
 * What is stored of an item: its skeleton, and whether its answer holds back
 * thinking the client did not ask for, as a Messages answer does
 * (lib/gateway/hidden-thinking.ts): the results are read long after the
 * create, whose body and headers decided it.
 */
export type StoredSkeleton = RecordSkeleton & { hidesThinking?: true };

export interface RoutedItem {
  customId: string;
  /** The id its record will have. */
  requestId: string;
  /** The params sent upstream: the route applied. */
  params: MessagesBody;
  skeleton: StoredSkeleton;
}

export interface BatchCaller {
  principal: Caller;
  scope: string;
  headers: Record<string, string | undefined>;
  createdAt: Date;
  /** The client's request: a create it has left stops routing, and lets go of what it holds. */
  signal?: AbortSignal;
}

/** Batch items never continue a conversation thinkgate pinned. */
const NO_PINS: PinLookup = { get: () => undefined };

const NO_ESCALATION = "no escalation for a batch item: its answer cannot be checked before it is served";

type Snapshot = Awaited<ReturnType<typeof routingConfig>>["snapshot"];

/**
 * Routes the items one by one, in order; `snapshot` is the routing
 * configuration in effect and `held` thinkgate's held thinking, unless given (tests). A generator, so that the
 * caller can turn each item into what it keeps (its upstream params, its
 * skeleton as JSON) and let the rest go: a 100,000-item batch's skeleton
 * objects all held at once took a few hundred megabytes of the heap.
 */
export async function* routedItems(items: BatchItem[], c: BatchCaller, snapshot?: Snapshot, held?: HeldLookup): AsyncGenerator<RoutedItem> {
  snapshot ??= (await routingConfig()).snapshot;
  const redact = tracesSnapshot().redact;
  // A decision takes ~0.2-1 ms: routing a large batch in one go would hold every other request; a few milliseconds a turn.
  const turn = turnBudget();
  for (const item of items) {
    c.signal?.throwIfAborted();
    yield await routeItem(item, c, snapshot, redact, held);
    await turn();
  }
}

/** Every item routed, in order. */
export async function routeItems(items: BatchItem[], c: BatchCaller, snapshot?: Snapshot, held?: HeldLookup): Promise<RoutedItem[]> {
  const out: RoutedItem[] = [];
  for await (const r of routedItems(items, c, snapshot, held)) out.push(r);
  return out;
}

async function routeItem(item: BatchItem, c: BatchCaller, snapshot: Snapshot, redact: Redactor, held?: HeldLookup): Promise<RoutedItem> {
  // An item may go on with an answer whose thinking was held back (a Messages or batch answer): put back, as for a Messages request.
  const { body, restored } = await restoreHeld(item.params, c.scope, held);
  const routable = await toRoutable(body, c.headers, { scope: c.scope, apps: c.principal.apps });
  const decision = await routeDecision(body, routable, c.principal, snapshot, NO_PINS);
  const escalated = decision.escalation !== undefined;
  decision.escalation = undefined;
  const applied = applyDecision(body, decision);
  if (escalated) applied.adjustments.push(NO_ESCALATION);
  if (restored) applied.adjustments.push(restoredNote(restored));
  const a: Attempt = {
    requestId: newRequestId(),
    createdAt: c.createdAt,
    started: 0,
    via: "batch",
    keyId: c.principal.keyId || null,
    scope: c.scope,
    hops: [],
    body,
    routable,
    decision,
    applied,
  };
  const { outcome: _pending, ...skeleton } = recordInput(a, { status: "ok", httpStatus: 0, errorType: null, errorMessage: null, latencyMs: 0 });
  const hides = hidesThinkingFor(c.headers, body, applied) ? { hidesThinking: true as const } : {};
  // Put-back thinking may be bound to a prefix the client has since changed: dropped then (the create carries the beta, api.ts).
  const params = restored ? dropStaleHeld(applied.body, {}).body : applied.body;
  return { customId: item.customId, requestId: a.requestId, params, skeleton: { ...redactSkeleton(skeleton, redact), ...hides } };
}

/** The skeleton's client texts masked before it is stored; the record's build masks them again, which changes nothing. */
function redactSkeleton(s: RecordSkeleton, redact: Redactor): RecordSkeleton {
  const mask = (t: string) => redact(t).text;
  return {
    ...s,
    routable: s.routable ? { ...s.routable, system: mask(s.routable.system), prompt: mask(s.routable.prompt) } : null,
    ...(s.conversation ? { conversation: { ...s.conversation, toolResults: s.conversation.toolResults.map((t) => ({ ...t, content: mask(t.content) })) } } : {}),
  };
}
