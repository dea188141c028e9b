"use client";

import { Card } from "@/components/ui/Card";
import { ErrorState } from "@/components/ui/ErrorState";

/** The page itself failed to render (the session check or the server): say so and offer a retry. */
export default function RouterError({ error, reset }: { error: Error; reset: () => void }) {
  return (
    <Card>
      <ErrorState title="The router page could not be shown" error={error} onRetry={reset} />
    </Card>
  );
}
