import type { Metadata } from "next";
import { Suspense } from "react";
import { Forbidden } from "@/components/auth/Forbidden";
import { TracesExplorer } from "@/components/traces/TracesExplorer";
import { Spinner } from "@/components/ui/Spinner";
import { requirePageUser } from "@/lib/auth/page";

export const metadata: Metadata = { title: "Traces" };
export const dynamic = "force-dynamic";

/** Signed-in viewers and above. The explorer reads its filters from the URL (useSearchParams), so it renders inside Suspense. */
export default async function TracesPage() {
  const { user, allowed } = await requirePageUser("viewer", "/traces");
  if (!allowed) return <Forbidden email={user.email} role={user.role} needs="the viewer role" what="the traces" />;
  return (
    <Suspense fallback={<div className="flex justify-center py-16"><Spinner label="Loading traces" /></div>}>
      <TracesExplorer />
    </Suspense>
  );
}
