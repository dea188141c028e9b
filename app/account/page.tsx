import type { Metadata } from "next";
import { AccountForm } from "@/components/auth/AccountForm";
import { requirePageUser } from "@/lib/auth/page";

export const metadata: Metadata = { title: "Your account" };
export const dynamic = "force-dynamic";

export default async function AccountPage() {
  const { user } = await requirePageUser("viewer", "/account");
  return <AccountForm email={user.email} />;
}
