import type { Metadata } from "next";
import { Forbidden } from "@/components/auth/Forbidden";
import { RouterWorkspace } from "@/components/router/RouterWorkspace";
import { requirePageUser } from "@/lib/auth/page";

export const metadata: Metadata = { title: "Router" };
export const dynamic = "force-dynamic";

/** Signed-in users only: viewers read, editors and admins retrain, apply and roll back (the API enforces the same). */
export default async function RouterPage() {
  const { user, allowed } = await requirePageUser("viewer", "/router");
  if (!allowed) return <Forbidden email={user.email} role={user.role} needs="the viewer role" what="the router" />;
  return <RouterWorkspace role={user.role} />;
}
