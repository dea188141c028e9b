"use client";

import Link from "next/link";
import { useState } from "react";
import { useMe } from "@/components/hooks/useMe";
import { Button, buttonClasses } from "@/components/ui/Button";
import { Untrusted } from "@/components/ui/Untrusted";
import { apiFetch } from "@/lib/ui/api-client";
import { showBidiControls } from "@/lib/ui/bidi";
import { cn } from "@/lib/ui/cn";

/** The header's right end: "Signed in as … · Sign out", or a Sign in link. */
export function UserMenu({ className }: { className?: string }) {
  const { data, isPending } = useMe();
  const [leaving, setLeaving] = useState(false);

  async function signOut() {
    setLeaving(true);
    try {
      await apiFetch("/api/auth/logout", { key: null, method: "POST", body: {} });
    } finally {
      // A full load: every page and cache forgets the user at once.
      window.location.assign("/login");
    }
  }

  if (isPending) return <span className={cn("h-7", className)} aria-hidden />;
  const user = data?.user;
  if (!user) {
    return (
      <Link href={data?.setupRequired ? "/setup" : "/login"} className={cn(buttonClasses("secondary", "sm"), className)}>
        {data?.setupRequired ? "Set up" : "Sign in"}
      </Link>
    );
  }
  return (
    <div className={cn("flex min-w-0 items-center gap-2 text-xs text-gray-600", className)}>
      <span className="min-w-0 truncate" title={`${showBidiControls(user.email)} (${user.role})`}>
        Signed in as{" "}
        <Link href="/account" className="font-medium text-gray-900 underline-offset-2 hover:underline">
          <Untrusted text={user.email} />
        </Link>
        <span className="hidden sm:inline"> · {user.role}</span>
      </span>
      <Button size="sm" variant="ghost" onClick={() => void signOut()} disabled={leaving}>
        Sign out
      </Button>
    </div>
  );
}
