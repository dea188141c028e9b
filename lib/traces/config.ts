/**
 * The trace settings in effect (sampling and redaction), as an in-memory
 * snapshot: the request path never reads them from the database. Loaded at
 * bootstrap, reloaded when they are saved through the API, and refreshed
 * every THINKGATE_SETTINGS_REFRESH_MS (default 30 s) so other instances of a
 * scaled-out deployment follow a change without a restart.
 *
 * Settings keys: `traces.sampling` and `traces.redaction` (JSON in Setting).
 * THINKGATE_TRACE_SAMPLE_RATE sets the default rate of a deployment whose
 * sampling setting does not name one (the test servers store every trace).
 */
import { announceChange } from "../cluster/bus";
import { configRepo } from "../db/config.repo";
import { logger } from "../observability/logger";
import { createRedactor, DEFAULT_REDACTION, redactionConfigSchema, type RedactionConfig, type Redactor } from "./redaction";
import { DEFAULT_SAMPLING, samplingConfigSchema, type SamplingConfig } from "./sampling";

export const SETTING_SAMPLING = "traces.sampling";
export const SETTING_REDACTION = "traces.redaction";

export interface TracesSettings {
  sampling: SamplingConfig;
  redaction: RedactionConfig;
}

export interface TracesSnapshot extends TracesSettings {
  redact: Redactor;
}

function envRate(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env.THINKGATE_TRACE_SAMPLE_RATE?.trim();
  if (!raw) return undefined;
  const v = Number(raw);
  if (Number.isFinite(v) && v >= 0 && v <= 1) return v;
  logger.warn({ value: raw }, "THINKGATE_TRACE_SAMPLE_RATE must be a number from 0 to 1; ignored");
  return undefined;
}

/** Settings from the stored values; a value that no longer validates falls back to the defaults (redaction stays on). */
export function parseTracesSettings(stored: Map<string, unknown>, env: NodeJS.ProcessEnv = process.env): TracesSettings {
  const rawSampling = stored.get(SETTING_SAMPLING);
  const rate = envRate(env);
  const base = rate === undefined ? {} : { rate };
  const sampling = samplingConfigSchema.safeParse({ ...base, ...(isObject(rawSampling) ? rawSampling : {}) });
  const redaction = redactionConfigSchema.safeParse(stored.get(SETTING_REDACTION) ?? {});
  if (!sampling.success) logger.warn({ issues: sampling.error.issues }, `setting ${SETTING_SAMPLING} is not valid; using the defaults`);
  if (!redaction.success) logger.warn({ issues: redaction.error.issues }, `setting ${SETTING_REDACTION} is not valid; using the defaults`);
  return {
    sampling: sampling.success ? sampling.data : samplingConfigSchema.parse(base),
    redaction: redaction.success ? redaction.data : DEFAULT_REDACTION,
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function snapshotOf(s: TracesSettings): TracesSnapshot {
  return { ...s, redact: createRedactor(s.redaction) };
}

const state = globalThis as unknown as { __thinkgateTraces?: { snap: TracesSnapshot | null; timer: NodeJS.Timeout | null } };
const s = (state.__thinkgateTraces ??= { snap: null, timer: null });

/**
 * The settings in effect. Before the first load (scripts, unit tests) these
 * are the defaults: redaction on, 10% sampling (or THINKGATE_TRACE_SAMPLE_RATE).
 */
export function tracesSnapshot(): TracesSnapshot {
  return (s.snap ??= snapshotOf({ sampling: { ...DEFAULT_SAMPLING, rate: envRate() ?? DEFAULT_SAMPLING.rate }, redaction: DEFAULT_REDACTION }));
}

/** Reads the settings (one query) and swaps the snapshot; starts the periodic refresh the first time. */
export async function loadTracesConfig(): Promise<TracesSnapshot> {
  s.snap = snapshotOf(parseTracesSettings(await configRepo.settings()));
  const every = Number(process.env.THINKGATE_SETTINGS_REFRESH_MS ?? 30_000);
  if (!s.timer && every > 0) {
    s.timer = setInterval(() => {
      loadTracesConfig().catch((err: unknown) => logger.warn({ err: (err as Error).message }, "could not refresh the trace settings; keeping the last ones"));
    }, every);
    s.timer.unref?.();
  }
  return s.snap;
}

/** Sets the sampling rate, keeping the sampling's other fields as stored at that moment (per-route rates, the hedge threshold), and reloads. */
export async function saveSamplingRate(rate: number): Promise<TracesSnapshot> {
  await configRepo.updateSetting(SETTING_SAMPLING, (stored) => ({ ...parseTracesSettings(new Map([[SETTING_SAMPLING, stored]])).sampling, rate }));
  const snap = await loadTracesConfig();
  await announceChange("traces");
  return snap;
}

/** Saves the sections given (each replaces the stored one) and reloads. */
export async function saveTracesConfig(patch: Partial<TracesSettings>): Promise<TracesSnapshot> {
  if (patch.sampling) await configRepo.setSetting(SETTING_SAMPLING, patch.sampling);
  if (patch.redaction) await configRepo.setSetting(SETTING_REDACTION, patch.redaction);
  const snap = await loadTracesConfig();
  await announceChange("traces");
  return snap;
}
