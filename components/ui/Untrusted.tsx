import { showBidiControls } from "@/lib/ui/bidi";
import { cn } from "@/lib/ui/cn";

/**
 * Text someone else wrote (a prompt, a key's, an app's or a rule's name),
 * shown with its bidi controls as visible escapes (lib/ui/bidi.ts) and
 * isolated (<bdi>: unicode-bidi isolate), so neither a control nor
 * right-to-left letters reorder the text around it.
 */
export function Untrusted({ text, className }: { text: string | null | undefined; className?: string }) {
  return <bdi className={cn(className)}>{showBidiControls(text ?? "")}</bdi>;
}
