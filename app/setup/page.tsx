import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SetupForm } from "@/components/auth/SetupForm";
import { setupRequired } from "@/lib/auth/users";

export const metadata: Metadata = { title: "First-run setup" };
export const dynamic = "force-dynamic";

/** Exists only while no user does; afterwards it sends everyone to sign in. */
export default async function SetupPage() {
  if (!(await setupRequired())) redirect("/login");
  return <SetupForm />;
}
