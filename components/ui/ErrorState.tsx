import type { ReactNode } from "react";
import { cn } from "@/lib/ui/cn";
import { isApiError, retryCanHelp } from "@/lib/ui/api-client";
import { Button } from "./Button";

/**
 * Shows a failed load. For an ApiError it shows the server's own message and
 * error type (the Anthropic error shape), which usually says what to do.
 * "Try again" shows only where a retry can help (retryCanHelp): never for a
 * request the server refused as it stands, such as a 400 for a bad filter.
 */
export function ErrorState({
  title,
  error,
  onRetry,
  children,
  className,
}: {
  title: ReactNode;
  error?: unknown;
  onRetry?: () => void;
  children?: ReactNode;
  className?: string;
}) {
  const message = error instanceof Error ? error.message : error ? String(error) : null;
  const type = isApiError(error) ? error.type : null;
  const status = isApiError(error) && error.status > 0 ? error.status : null;
  const requestId = isApiError(error) ? error.requestId : null;
  return (
    <div role="alert" className={cn("flex flex-col items-center gap-2 px-4 py-10 text-center", className)}>
      <p className="text-sm font-medium text-red-700">{title}</p>
      {message ? <p className="max-w-lg text-sm text-gray-700">{message}</p> : null}
      {type || status ? (
        <p className="font-mono text-[11px] text-gray-500">
          {[status, type, requestId].filter(Boolean).join(" · ")}
        </p>
      ) : null}
      {children ? <div className="max-w-md text-sm text-gray-500">{children}</div> : null}
      {onRetry && retryCanHelp(error) ? (
        <Button size="sm" onClick={onRetry} className="mt-1">
          Try again
        </Button>
      ) : null}
    </div>
  );
}
