import type { Metadata } from "next";
import { Forbidden } from "@/components/auth/Forbidden";
import { PlaygroundPage } from "@/components/playground/PlaygroundPage";
import { requirePageUser } from "@/lib/auth/page";

export const metadata: Metadata = { title: "Playground" };
export const dynamic = "force-dynamic";

/** Signed-in viewers and above: a playground run is real traffic, billed and recorded. */
export default async function Playground() {
  const { user, allowed } = await requirePageUser("viewer", "/playground");
  if (!allowed) return <Forbidden email={user.email} role={user.role} needs="the viewer role" what="the playground" />;
  return <PlaygroundPage role={user.role} />;
}
