import type { Metadata } from "next";
import { AgentSetupPage } from "@/components/connect/AgentSetupPage";

export const metadata: Metadata = { title: "Claude Code and the Agent SDK" };

/** Setup for agent clients: static guidance and the user's key, like the home page's connect card. */
export default function ConnectAgents() {
  return <AgentSetupPage />;
}
