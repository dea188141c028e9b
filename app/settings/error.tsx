"use client";

import { Card } from "@/components/ui/Card";
import { ErrorState } from "@/components/ui/ErrorState";

export default function SettingsError({ error, reset }: { error: Error; reset: () => void }) {
  return (
    <Card>
      <ErrorState title="The settings page could not be shown" error={error} onRetry={reset} />
    </Card>
  );
}
