import type { Metadata } from "next";
import { Suspense } from "react";
import { TracesExplorer } from "@/components/traces/TracesExplorer";
import { Spinner } from "@/components/ui/Spinner";

export const metadata: Metadata = { title: "Traces" };

/** The explorer reads its filters from the URL (useSearchParams), so it renders inside Suspense. */
export default function TracesPage() {
  return (
    <Suspense fallback={<div className="flex justify-center py-16"><Spinner label="Loading traces" /></div>}>
      <TracesExplorer />
    </Suspense>
  );
}
