"use client";

import { CartesianGrid, ErrorBar, Legend, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from "recharts";
import type { ChartPoint, ChartSeries } from "@/lib/calibration/chart";
import { formatUsd } from "@/lib/ui/format";

/** Accuracy against mean cost per request, one line per model, 95 % intervals as error bars; draws prepared data only (lib/calibration/chart.ts). */
const COLORS = ["#7c3aed", "#0891b2", "#ea580c", "#16a34a", "#db2777", "#4b5563"];
const AXIS = { fontSize: 11, fill: "#6b7280" };

function Dot(props: { cx?: number; cy?: number; fill?: string; payload?: ChartPoint }) {
  const { cx = 0, cy = 0, fill, payload } = props;
  if (payload?.recommended) {
    return (
      <g>
        <circle cx={cx} cy={cy} r={9} fill="none" stroke="#111827" strokeWidth={2} />
        <circle cx={cx} cy={cy} r={5} fill={fill} />
      </g>
    );
  }
  return <circle cx={cx} cy={cy} r={4.5} fill={fill} />;
}

export function QualityChart({ series }: { series: ChartSeries[] }) {
  return (
    <div role="img" aria-label="Accuracy against mean cost per request" style={{ height: 320 }} className="w-full min-w-0">
      <ResponsiveContainer width="100%" height="100%">
        <ScatterChart margin={{ top: 12, right: 16, bottom: 8, left: 4 }}>
          <CartesianGrid stroke="#e5e7eb" />
          <XAxis type="number" dataKey="cost" name="mean cost" tick={AXIS} tickFormatter={(v: number) => formatUsd(v)} domain={["auto", "auto"]} />
          <YAxis type="number" dataKey="accuracy" name="accuracy" unit="%" tick={AXIS} domain={[0, 100]} width={48} />
          <Tooltip
            cursor={{ strokeDasharray: "3 3" }}
            content={({ payload }) => {
              const p = payload?.[0]?.payload as ChartPoint | undefined;
              if (!p) return null;
              return (
                <div className="rounded border border-gray-200 bg-white px-2 py-1 text-xs shadow">
                  <p className="font-medium">{p.label}</p>
                  <p>
                    {p.accuracy} % (−{p.error[0]} / +{p.error[1]}) · {formatUsd(p.cost)} per request
                  </p>
                  {p.recommended ? <p className="font-medium">recommended</p> : p.best ? <p>best accuracy</p> : null}
                </div>
              );
            }}
          />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {series.map((s, i) => (
            <Scatter key={s.model} name={s.model} data={s.points} fill={COLORS[i % COLORS.length]} line shape={<Dot />} isAnimationActive={false}>
              <ErrorBar dataKey="error" direction="y" width={4} stroke={COLORS[i % COLORS.length]} isAnimationActive={false} />
            </Scatter>
          ))}
        </ScatterChart>
      </ResponsiveContainer>
    </div>
  );
}
