"use client";

import { CartesianGrid, Legend, Line, LineChart, ReferenceDot, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { CurveChartPoint } from "@/lib/ui/operating-point";

/** Caught and recovered against the share sent to reasoning, with the threshold in effect and the edited one; draws prepared data only (lib/ui/operating-point.ts). */
const AXIS = { fontSize: 11, fill: "#6b7280" };
const TICKS = [0, 25, 50, 75, 100];

export function OperatingCurveChart({
  points,
  team,
  current,
  proposed,
}: {
  points: CurveChartPoint[];
  /** The same curve on the team's own labels, when there are enough. */
  team: CurveChartPoint[] | null;
  current: CurveChartPoint;
  proposed: CurveChartPoint | null;
}) {
  const hasRecovered = points.some((p) => p.recovered !== null);
  return (
    <div role="img" aria-label="Share sent to reasoning against reasoning-worthy prompts caught" style={{ height: 260 }} className="w-full min-w-0">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={points} margin={{ top: 12, right: 16, bottom: 8, left: 4 }}>
          <CartesianGrid stroke="#e5e7eb" />
          <XAxis type="number" dataKey="share" unit="%" domain={[0, 100]} ticks={TICKS} tick={AXIS} name="sent to reasoning" />
          {/* Fixed ticks: the quality recovered dips below 0 at low shares, and the
              axis then stretched to it with ticks at -3.3%, 26.7%, 56.7%... */}
          <YAxis type="number" unit="%" domain={[0, 100]} ticks={TICKS} tick={AXIS} width={48} />
          <Tooltip
            content={({ payload }) => {
              const p = payload?.[0]?.payload as CurveChartPoint | undefined;
              if (!p) return null;
              return (
                <div className="rounded border border-gray-200 bg-white px-2 py-1 text-xs shadow">
                  <p className="font-medium">threshold {p.threshold.toFixed(2)}</p>
                  <p>{p.share}% sent to reasoning</p>
                  <p>{p.caught}% of reasoning-worthy prompts caught</p>
                  {p.recovered !== null ? <p>{p.recovered}% of the quality gap recovered</p> : null}
                </div>
              );
            }}
          />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Line type="linear" dataKey="caught" name="reasoning-worthy caught" stroke="#7c3aed" dot={false} isAnimationActive={false} />
          {team ? (
            <Line data={team} type="linear" dataKey="caught" name="caught, your labels" stroke="#16a34a" strokeDasharray="5 4" dot={false} isAnimationActive={false} />
          ) : null}
          {hasRecovered ? <Line type="linear" dataKey="recovered" name="quality gap recovered" stroke="#0891b2" dot={false} isAnimationActive={false} /> : null}
          <ReferenceDot x={current.share} y={current.caught} r={6} fill="#111827" stroke="#fff" label={{ value: "now", position: "top", fontSize: 11 }} />
          {proposed ? <ReferenceDot x={proposed.share} y={proposed.caught} r={6} fill="#ea580c" stroke="#fff" label={{ value: "new", position: "bottom", fontSize: 11 }} /> : null}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
