import type { Metadata } from "next";
import { Suspense } from "react";
import { CostsDashboard } from "@/components/costs/CostsDashboard";
import { Spinner } from "@/components/ui/Spinner";

export const metadata: Metadata = { title: "Costs" };

/** The dashboard reads its controls from the URL (useSearchParams), so it renders inside Suspense. */
export default function CostsPage() {
  return (
    <Suspense fallback={<div className="flex justify-center py-16"><Spinner label="Loading costs" /></div>}>
      <CostsDashboard />
    </Suspense>
  );
}
