import type { Metadata } from "next";
import { PlaygroundPage } from "@/components/playground/PlaygroundPage";

export const metadata: Metadata = { title: "Playground" };

export default function Playground() {
  return <PlaygroundPage />;
}
