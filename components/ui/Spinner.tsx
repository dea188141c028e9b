import { cn } from "@/lib/ui/cn";

export function Spinner({ className, label = "Loading" }: { className?: string; label?: string }) {
  return (
    <span role="status" className={cn("inline-flex items-center", className)}>
      <span
        aria-hidden
        className="size-3.5 animate-spin rounded-full border-2 border-gray-300 border-t-accent-600 motion-reduce:animate-none"
      />
      <span className="sr-only">{label}</span>
    </span>
  );
}
