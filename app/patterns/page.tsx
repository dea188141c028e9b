import type { Metadata } from "next";
import { Forbidden } from "@/components/auth/Forbidden";
import { PatternsView } from "@/components/patterns/PatternsView";
import { requirePageUser } from "@/lib/auth/page";

export const metadata: Metadata = { title: "Patterns" };
export const dynamic = "force-dynamic";

/** Signed-in viewers and above. */
export default async function PatternsPage() {
  const { user, allowed } = await requirePageUser("viewer", "/patterns");
  if (!allowed) return <Forbidden email={user.email} role={user.role} needs="the viewer role" what="the patterns" />;
  return <PatternsView />;
}
