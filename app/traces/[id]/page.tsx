import type { Metadata } from "next";
import { Forbidden } from "@/components/auth/Forbidden";
import { TraceDetail } from "@/components/traces/TraceDetail";
import { requirePageUser } from "@/lib/auth/page";

export const metadata: Metadata = { title: "Trace" };
export const dynamic = "force-dynamic";

export default async function TracePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { user, allowed } = await requirePageUser("viewer", `/traces/${encodeURIComponent(id)}`);
  if (!allowed) return <Forbidden email={user.email} role={user.role} needs="the viewer role" what="this trace" />;
  return <TraceDetail id={decodeURIComponent(id)} role={user.role} />;
}
