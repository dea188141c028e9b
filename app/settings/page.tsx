import type { Metadata } from "next";
import { Forbidden } from "@/components/auth/Forbidden";
import { AppsTab } from "@/components/settings/AppsTab";
import { KeysTab } from "@/components/settings/KeysTab";
import { PricesTab } from "@/components/settings/PricesTab";
import { RoutesTab } from "@/components/settings/RoutesTab";
import { SignalsSettings } from "@/components/settings/SignalsSettings";
import { RoutingTab } from "@/components/settings/RoutingTab";
import { SettingsNav } from "@/components/settings/SettingsNav";
import { UsersTab } from "@/components/settings/UsersTab";
import { requirePageUser } from "@/lib/auth/page";
import { SETTINGS_TABS, settingsTab } from "@/lib/ui/settings";

export const metadata: Metadata = { title: "Settings" };
export const dynamic = "force-dynamic";

/**
 * Routes, apps, prices, keys, users and routing settings. Everyone signed in
 * reads what the API lets them read; keys and users are admin-only sections,
 * checked here on the server (and again by every API call).
 */
export default async function SettingsPage({ searchParams }: { searchParams: Promise<{ tab?: string | string[] }> }) {
  const tab = settingsTab((await searchParams).tab);
  const { user } = await requirePageUser("viewer", `/settings?tab=${tab}`);
  const isAdmin = user.role === "admin";
  const adminOnly = SETTINGS_TABS.find((t) => t.id === tab)?.admin ?? false;

  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-xl font-semibold tracking-tight text-gray-900">Settings</h1>
        <p className="mt-1 text-sm text-gray-600">
          {isAdmin ? "Routes, prices, keys, users and routing settings of this gateway." : "How this gateway is configured. Only admins change these settings."}
        </p>
      </div>
      <SettingsNav active={tab} isAdmin={isAdmin} />
      {adminOnly && !isAdmin ? (
        <Forbidden email={user.email} role={user.role} needs="the admin role" what={tab === "keys" ? "gateway keys" : "user management"} />
      ) : tab === "routes" ? (
        <RoutesTab isAdmin={isAdmin} />
      ) : tab === "apps" ? (
        <AppsTab isAdmin={isAdmin} />
      ) : tab === "prices" ? (
        <PricesTab isAdmin={isAdmin} />
      ) : tab === "keys" ? (
        <KeysTab />
      ) : tab === "users" ? (
        <UsersTab selfId={user.id} />
      ) : (
        <div className="space-y-4">
          <RoutingTab isAdmin={isAdmin} />
          <SignalsSettings isAdmin={isAdmin} />
        </div>
      )}
    </div>
  );
}
