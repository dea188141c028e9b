import type { ReactNode } from "react";
import { cn } from "@/lib/ui/cn";

export function EmptyState({
  title,
  children,
  action,
  className,
}: {
  title: ReactNode;
  children?: ReactNode;
  action?: ReactNode;
  className?: string;
}) {
  return (
    <div className={cn("flex flex-col items-center gap-2 px-4 py-10 text-center", className)}>
      <p className="text-sm font-medium text-gray-900">{title}</p>
      {children ? <div className="max-w-md text-sm text-gray-500">{children}</div> : null}
      {action ? <div className="mt-2">{action}</div> : null}
    </div>
  );
}
