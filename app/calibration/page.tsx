import type { Metadata } from "next";
import { Forbidden } from "@/components/auth/Forbidden";
import { CalibrationHome } from "@/components/calibration/CalibrationHome";
import { requirePageUser } from "@/lib/auth/page";

export const metadata: Metadata = { title: "Calibration" };
export const dynamic = "force-dynamic";

/** Viewers read results; editors and admins upload sets, run experiments and apply them (the API enforces the same). */
export default async function CalibrationPage() {
  const { user, allowed } = await requirePageUser("viewer", "/calibration");
  if (!allowed) return <Forbidden email={user.email} role={user.role} needs="the viewer role" what="the calibration lab" />;
  return <CalibrationHome role={user.role} />;
}
