import type { Metadata } from "next";
import { Forbidden } from "@/components/auth/Forbidden";
import { ExperimentView } from "@/components/calibration/ExperimentView";
import { requirePageUser } from "@/lib/auth/page";

export const metadata: Metadata = { title: "Calibration experiment" };
export const dynamic = "force-dynamic";

export default async function ExperimentPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { user, allowed } = await requirePageUser("viewer", `/calibration/experiments/${encodeURIComponent(id)}`);
  if (!allowed) return <Forbidden email={user.email} role={user.role} needs="the viewer role" what="this experiment" />;
  return <ExperimentView id={decodeURIComponent(id)} role={user.role} />;
}
