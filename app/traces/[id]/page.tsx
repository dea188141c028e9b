import type { Metadata } from "next";
import { TraceDetail } from "@/components/traces/TraceDetail";

export const metadata: Metadata = { title: "Trace" };

export default async function TracePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <TraceDetail id={decodeURIComponent(id)} />;
}
