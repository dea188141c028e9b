/** The calibration API's answers as the browser receives them (dates as ISO strings). */
import type { ChartSeries } from "@/lib/calibration/chart";
import type { CalibrationConfig, ModelThinking } from "@/lib/calibration/grid";
import type { Knee } from "@/lib/calibration/knee";
import type { ConfigStats } from "@/lib/calibration/stats";

export type Role = "viewer" | "editor" | "admin";

export interface SetSummary {
  id: string;
  name: string;
  description: string;
  grader: { kind: string };
  items: number;
  createdBy: string;
  createdAt: string;
}

export interface Progress {
  pending: number;
  running: number;
  done: number;
  failed: number;
  total: number;
}

export interface ExperimentSummary {
  id: string;
  setId: string;
  name: string;
  status: "queued" | "running" | "done" | "cancelled";
  configs: CalibrationConfig[];
  createdAt: string;
  appliedAt: string | null;
  progress: Progress;
}

export interface RouteWindow {
  requests: number;
  costPerRequest: number | null;
  escalationRate: number | null;
}

export interface ExperimentDetail {
  experiment: ExperimentSummary & {
    tolerance: number;
    concurrency: number;
    createdBy: string;
    startedAt: string | null;
    finishedAt: string | null;
    appliedRouteId: string | null;
    appliedRuleVersion: number | null;
    appliedChange: { configKey: string; note: string } | null;
  };
  set: { id: string; name: string } | null;
  progress: Progress;
  records: number;
  grader: { kind: string; text: string };
  judgeCostUsd: number;
  totalCostUsd: number;
  configs: { key: string; label: string; config: CalibrationConfig }[];
  stats: ConfigStats[];
  knee: Knee | null;
  chart: ChartSeries[];
  categories: { category: string; stats: ConfigStats[] }[];
  beforeAfter: { routeId: string; days: number; before: RouteWindow; after: RouteWindow } | null;
}

export type { ModelThinking };
