import { ConnectCard } from "@/components/home/ConnectCard";
import { GatewayStatusCard } from "@/components/home/GatewayStatusCard";
import { RecentRequestsCard } from "@/components/home/RecentRequestsCard";

/**
 * The first-run page. A server component: it holds no state; the cards that
 * fetch (React Query) are client components.
 */
export default function HomePage() {
  return (
    <div className="space-y-5">
      <div>
        <h1 className="text-xl font-semibold tracking-tight text-gray-900">Get started</h1>
        <p className="mt-1 max-w-3xl text-sm text-gray-600">
          thinkgate sits between your app and the Anthropic API. For each request it decides whether the work deserves
          reasoning, and records the decision, its cost and the model&apos;s thinking.
        </p>
      </div>
      <GatewayStatusCard />
      <ConnectCard />
      <RecentRequestsCard />
    </div>
  );
}
