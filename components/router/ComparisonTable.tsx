"use client";

import { useState } from "react";
import { Button } from "@/components/ui/Button";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/Table";
import { cn } from "@/lib/ui/cn";
import { changeTone, formatChange, formatMetric, type ComparisonRow } from "@/lib/ui/router";

const TONE = { better: "text-emerald-700", worse: "text-red-700", same: "text-gray-500" } as const;

function Cells({ m, kind, higherIsBetter }: { m: ComparisonRow["f1"]; kind: "ratio" | "percent"; higherIsBetter: boolean }) {
  return (
    <>
      <TD align="right">{formatMetric(m.current, kind)}</TD>
      <TD align="right">{formatMetric(m.candidate, kind)}</TD>
      <TD align="right" className={cn("font-medium", TONE[changeTone(m.change, higherIsBetter)])}>
        {formatChange(m.change, kind)}
      </TD>
    </>
  );
}

/**
 * The model in use and a candidate on the same held-out rows, each at its own
 * threshold. The shipped split's sources (dozens of files) are folded away
 * until asked for; the team's origins (a handful) always show.
 */
export function ComparisonTable({ rows }: { rows: ComparisonRow[] }) {
  const [sources, setSources] = useState(false);
  const hidden = rows.filter((r) => r.set === "shipped" && r.indent).length;
  const shown = rows.filter((r) => sources || !(r.set === "shipped" && r.indent));
  return (
    <div className="space-y-2">
      <Table>
        <THead>
          <TR>
            <TH rowSpan={2}>Held-out set</TH>
            <TH rowSpan={2} align="right">
              Prompts
            </TH>
            <TH rowSpan={2} align="right">
              Reasoning
            </TH>
            <TH colSpan={3} align="right">
              F1
            </TH>
            <TH colSpan={3} align="right">
              Standard prompts sent to reasoning
            </TH>
            <TH colSpan={3} align="right">
              Reasoning prompts caught
            </TH>
          </TR>
          <TR>
            {[0, 1, 2].flatMap((i) => [
              <TH key={`${i}c`} align="right">
                in use
              </TH>,
              <TH key={`${i}n`} align="right">
                candidate
              </TH>,
              <TH key={`${i}d`} align="right">
                change
              </TH>,
            ])}
          </TR>
        </THead>
        <TBody>
          {shown.map((r) => (
            <TR key={`${r.indent ? "  " : ""}${r.name}`}>
              <TD className={cn(r.indent ? "pl-8 text-gray-600" : "font-medium text-gray-900")}>{r.name}</TD>
              <TD align="right">{r.n}</TD>
              <TD align="right">{r.reasoning}</TD>
              <Cells m={r.f1} kind="ratio" higherIsBetter />
              <Cells m={r.stdToReasoning} kind="percent" higherIsBetter={false} />
              <Cells m={r.recall} kind="percent" higherIsBetter />
            </TR>
          ))}
        </TBody>
      </Table>
      {hidden > 0 ? (
        <Button size="sm" variant="ghost" aria-expanded={sources} onClick={() => setSources(!sources)}>
          {sources ? "Hide the shipped split's sources" : `Show the shipped split's ${hidden} sources`}
        </Button>
      ) : null}
    </div>
  );
}
