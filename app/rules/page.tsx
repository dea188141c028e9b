import type { Metadata } from "next";
import { Forbidden } from "@/components/auth/Forbidden";
import { RulesWorkspace } from "@/components/rules/RulesWorkspace";
import { requirePageUser } from "@/lib/auth/page";

export const metadata: Metadata = { title: "Rules" };
export const dynamic = "force-dynamic";

/** Signed-in users only: viewers read, editors and admins change (the API enforces the same). */
export default async function RulesPage() {
  const { user, allowed } = await requirePageUser("viewer", "/rules");
  if (!allowed) return <Forbidden email={user.email} role={user.role} needs="the viewer role" what="the routing rules" />;
  return <RulesWorkspace role={user.role} />;
}
