"use client";

import { useRouter } from "next/navigation";
import type { MouseEvent } from "react";

/**
 * A click anywhere on a table row follows the row's link. The row's real
 * link stays in a cell (keyboard, screen readers, "open in new tab"); a
 * stretched-link overlay would do the same without JS, but it would swallow
 * the cells' tooltips and text selection. Clicks on links and buttons inside
 * the row, and selecting text, are left alone.
 */
export function useRowLink(): (e: MouseEvent<HTMLTableRowElement>, href: string) => void {
  const router = useRouter();
  return (e, href) => {
    if ((e.target as HTMLElement).closest("a, button")) return;
    if (window.getSelection()?.toString()) return;
    if (e.metaKey || e.ctrlKey) window.open(href, "_blank", "noopener");
    else router.push(href);
  };
}
