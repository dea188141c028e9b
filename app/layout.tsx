import type { Metadata } from "next";
import type { ReactNode } from "react";
import "./globals.css";
import { AppHeader } from "@/components/layout/AppHeader";
import { SimulatorBanner } from "@/components/layout/SimulatorBanner";
import { Providers } from "./providers";

// The logo as an inline data URL: the machine may be offline and the app
// ships no static assets of its own for it.
const ICON =
  "data:image/svg+xml," +
  encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 20 20"><rect width="20" height="20" rx="5" fill="#111827"/><path d="M4 10h4.5M8.5 10l4-4h3.5M8.5 10l4 4h3.5" fill="none" stroke="#fff" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round"/></svg>',
  );

export const metadata: Metadata = {
  title: { default: "thinkgate", template: "%s · thinkgate" },
  icons: { icon: ICON },
  description: "A gateway for the Anthropic Messages API that routes each request to a standard or a reasoning configuration.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-dvh">
        <Providers>
          <AppHeader />
          <SimulatorBanner />
          <main className="mx-auto max-w-7xl px-4 py-6">{children}</main>
        </Providers>
      </body>
    </html>
  );
}
