"use client";

import { Bar, BarChart, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatUsd } from "@/lib/ui/format";
import { COST_BUCKETS, formatAxisUsd, formatShare, type BucketPoint, type GroupSeries } from "@/lib/costs/prepare";

/**
 * The cost dashboard's charts. They draw prepared data only (lib/costs/prepare.ts):
 * no sums, no colours, no rounding decided here.
 */

const AXIS = { fontSize: 11, fill: "#6b7280" };
const usdTooltip = (v: unknown) => formatUsd(Number(v));

/** Legend items in the order given (recharts sorts them alphabetically by default). */
const orderBy = (keys: string[]) => (item: { dataKey?: unknown }) => keys.indexOf(String(item.dataKey));

function ChartBox({ height = 260, children, label }: { height?: number; children: React.ReactElement; label: string }) {
  return (
    <div role="img" aria-label={label} style={{ height }} className="w-full min-w-0">
      <ResponsiveContainer width="100%" height="100%">
        {children}
      </ResponsiveContainer>
    </div>
  );
}

/** Spend per bucket, stacked input / cache / output / thinking. */
export function SpendByBucketChart({ data, label }: { data: BucketPoint[]; label: string }) {
  return (
    <ChartBox label={label}>
      <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 4 }}>
        <CartesianGrid vertical={false} stroke="#e5e7eb" />
        <XAxis dataKey="label" tick={AXIS} tickLine={false} axisLine={{ stroke: "#d1d5db" }} minTickGap={16} />
        <YAxis tick={AXIS} tickLine={false} axisLine={false} tickFormatter={formatAxisUsd} width={56} />
        <Tooltip formatter={(v, name) => [usdTooltip(v), name]} labelFormatter={(l, p) => `${l} · total ${formatUsd((p?.[0]?.payload as BucketPoint | undefined)?.costTotal ?? 0)}`} />
        <Legend iconType="square" wrapperStyle={{ fontSize: 12 }} itemSorter={orderBy(COST_BUCKETS.map((b) => b.key))} />
        {COST_BUCKETS.map((b) => (
          <Bar key={b.key} dataKey={b.key} name={b.label} stackId="cost" fill={b.color} isAnimationActive={false} maxBarSize={48} />
        ))}
      </BarChart>
    </ChartBox>
  );
}

/** Spend per bucket, stacked by route, model or tier. */
export function SpendByGroupChart({ series, label }: { series: GroupSeries; label: string }) {
  return (
    <ChartBox label={label}>
      <BarChart data={series.rows} margin={{ top: 8, right: 8, bottom: 0, left: 4 }}>
        <CartesianGrid vertical={false} stroke="#e5e7eb" />
        <XAxis dataKey="label" tick={AXIS} tickLine={false} axisLine={{ stroke: "#d1d5db" }} minTickGap={16} />
        <YAxis tick={AXIS} tickLine={false} axisLine={false} tickFormatter={formatAxisUsd} width={56} />
        <Tooltip formatter={(v, name) => [usdTooltip(v), name]} />
        <Legend iconType="square" wrapperStyle={{ fontSize: 12 }} itemSorter={orderBy(series.keys.map((k) => k.dataKey))} />
        {series.keys.map((k) => (
          <Bar key={k.dataKey} dataKey={k.dataKey} name={k.label} stackId="group" fill={k.color} isAnimationActive={false} maxBarSize={48} />
        ))}
      </BarChart>
    </ChartBox>
  );
}

/** Requests per bucket (reasoning and standard stacked) and the share that reasoned. */
export function RequestsChart({ data, label }: { data: (BucketPoint & { standard: number })[]; label: string }) {
  return (
    <ChartBox label={label} height={220}>
      <ComposedChart data={data} margin={{ top: 8, right: 4, bottom: 0, left: 4 }}>
        <CartesianGrid vertical={false} stroke="#e5e7eb" />
        <XAxis dataKey="label" tick={AXIS} tickLine={false} axisLine={{ stroke: "#d1d5db" }} minTickGap={16} />
        <YAxis yAxisId="n" tick={AXIS} tickLine={false} axisLine={false} width={40} allowDecimals={false} />
        <YAxis yAxisId="share" orientation="right" tick={AXIS} tickLine={false} axisLine={false} width={40} domain={[0, 1]} tickFormatter={(v) => `${Math.round(v * 100)}%`} />
        <Tooltip formatter={(v, name) => (name === "Reasoning share" ? [formatShare(v as number | null), name] : [Number(v).toLocaleString("en-US"), name])} />
        <Legend iconType="square" wrapperStyle={{ fontSize: 12 }} itemSorter={orderBy(["standard", "reasoning", "reasoningShare"])} />
        <Bar yAxisId="n" dataKey="standard" name="Standard" stackId="n" fill="#5eead4" isAnimationActive={false} maxBarSize={48} />
        <Bar yAxisId="n" dataKey="reasoning" name="Reasoning" stackId="n" fill="#a78bfa" isAnimationActive={false} maxBarSize={48} />
        <Line yAxisId="share" type="monotone" dataKey="reasoningShare" name="Reasoning share" stroke="#6d28d9" strokeWidth={2} dot={false} connectNulls={false} isAnimationActive={false} />
      </ComposedChart>
    </ChartBox>
  );
}
