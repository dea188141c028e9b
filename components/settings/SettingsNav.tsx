import Link from "next/link";
import { cn } from "@/lib/ui/cn";
import { SETTINGS_TABS, type SettingsTab } from "@/lib/ui/settings";

/**
 * The settings sections as links (?tab=…), so each is a server-rendered page
 * with its own role check and a URL to share. Admin-only sections are listed
 * only for admins.
 */
export function SettingsNav({ active, isAdmin }: { active: SettingsTab; isAdmin: boolean }) {
  return (
    <nav aria-label="Settings sections" className="-mx-4 overflow-x-auto px-4 sm:mx-0 sm:px-0">
      <ul className="flex gap-1 border-b border-gray-200">
        {SETTINGS_TABS.filter((t) => isAdmin || !t.admin).map((t) => (
          <li key={t.id}>
            <Link
              href={`/settings?tab=${t.id}`}
              aria-current={active === t.id ? "page" : undefined}
              className={cn(
                "-mb-px block border-b-2 px-3 py-2 text-sm whitespace-nowrap focus-visible:outline-2 focus-visible:outline-accent-600",
                active === t.id ? "border-accent-600 font-medium text-gray-900" : "border-transparent text-gray-600 hover:text-gray-900",
              )}
            >
              {t.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
