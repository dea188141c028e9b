import type { Metadata } from "next";
import { Forbidden } from "@/components/auth/Forbidden";
import { ThreadView } from "@/components/traces/ThreadView";
import { requirePageUser } from "@/lib/auth/page";

export const metadata: Metadata = { title: "Conversation" };
export const dynamic = "force-dynamic";

export default async function TraceThreadPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { user, allowed } = await requirePageUser("viewer", `/traces/${encodeURIComponent(id)}/thread`);
  if (!allowed) return <Forbidden email={user.email} role={user.role} needs="the viewer role" what="this conversation" />;
  return <ThreadView id={decodeURIComponent(id)} />;
}
