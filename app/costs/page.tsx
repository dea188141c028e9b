import type { Metadata } from "next";
import { Suspense } from "react";
import { Forbidden } from "@/components/auth/Forbidden";
import { CostsDashboard } from "@/components/costs/CostsDashboard";
import { Spinner } from "@/components/ui/Spinner";
import { requirePageUser } from "@/lib/auth/page";

export const metadata: Metadata = { title: "Costs" };
export const dynamic = "force-dynamic";

/** Signed-in viewers and above. The dashboard reads its controls from the URL (useSearchParams), so it renders inside Suspense. */
export default async function CostsPage() {
  const { user, allowed } = await requirePageUser("viewer", "/costs");
  if (!allowed) return <Forbidden email={user.email} role={user.role} needs="the viewer role" what="the cost dashboards" />;
  return (
    <Suspense fallback={<div className="flex justify-center py-16"><Spinner label="Loading costs" /></div>}>
      <CostsDashboard />
    </Suspense>
  );
}
