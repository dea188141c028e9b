import Link from "next/link";
import { buttonClasses } from "@/components/ui/Button";
import { Card } from "@/components/ui/Card";

/** What a signed-in user sees on a page or section their role does not reach. */
export function Forbidden({ email, role, needs, what }: { email: string; role: string; needs: string; what: string }) {
  return (
    <Card>
      <div role="alert" className="flex flex-col items-center gap-2 px-4 py-12 text-center">
        <p className="text-sm font-medium text-gray-900">You do not have access to {what}</p>
        <p className="max-w-md text-sm text-gray-600">
          You are signed in as <span className="font-medium">{email}</span> with the <span className="font-medium">{role}</span> role; this needs{" "}
          <span className="font-medium">{needs}</span>. Ask an admin to change your role.
        </p>
        <Link href="/" className={buttonClasses("secondary", "sm", "mt-2")}>
          Back to the home page
        </Link>
      </div>
    </Card>
  );
}
