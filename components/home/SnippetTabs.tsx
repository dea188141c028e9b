"use client";

import { useId, useRef, useState, type KeyboardEvent } from "react";
import { CopyButton } from "@/components/ui/CopyButton";
import { cn } from "@/lib/ui/cn";
import { SNIPPET_LANGUAGES, type Snippet, type SnippetLanguage } from "@/lib/ui/snippets";

/** Tabs of ready-to-run snippets. Shows `display` (key masked unless revealed), copies `copy` (key in full). */
export function SnippetTabs({
  snippets,
  revealed,
  hasKey,
}: {
  snippets: Record<SnippetLanguage, Snippet>;
  revealed: boolean;
  hasKey: boolean;
}) {
  const [active, setActive] = useState<SnippetLanguage>("typescript");
  const baseId = useId();
  const tabRefs = useRef<Partial<Record<SnippetLanguage, HTMLButtonElement | null>>>({});
  const snippet = snippets[active];

  // Arrow keys move between tabs, as in the WAI-ARIA tabs pattern.
  function onKeyDown(e: KeyboardEvent) {
    if (e.key !== "ArrowRight" && e.key !== "ArrowLeft") return;
    const i = SNIPPET_LANGUAGES.findIndex((l) => l.id === active);
    const next = SNIPPET_LANGUAGES[(i + (e.key === "ArrowRight" ? 1 : -1) + SNIPPET_LANGUAGES.length) % SNIPPET_LANGUAGES.length];
    if (!next) return;
    setActive(next.id);
    tabRefs.current[next.id]?.focus();
  }

  return (
    <div className="overflow-hidden rounded-md border border-gray-800 bg-gray-950">
      <div className="flex items-center justify-between gap-2 border-b border-gray-800 px-2 py-1.5">
        <div role="tablist" aria-label="Language" className="flex gap-0.5" onKeyDown={onKeyDown}>
          {SNIPPET_LANGUAGES.map((l) => (
            <button
              key={l.id}
              ref={(el) => {
                tabRefs.current[l.id] = el;
              }}
              type="button"
              role="tab"
              id={`${baseId}-tab-${l.id}`}
              aria-selected={active === l.id}
              aria-controls={`${baseId}-panel`}
              tabIndex={active === l.id ? 0 : -1}
              onClick={() => setActive(l.id)}
              className={cn(
                "rounded px-2 py-1 text-xs font-medium transition-colors focus-visible:outline-2 focus-visible:outline-accent-500",
                active === l.id ? "bg-gray-800 text-white" : "text-gray-400 hover:text-gray-200",
              )}
            >
              {l.label}
            </button>
          ))}
        </div>
        <CopyButton
          value={snippet.copy}
          variant="inverse"
          title={hasKey ? "Copies the snippet with your full key" : "Copies the snippet"}
        />
      </div>
      <pre
        id={`${baseId}-panel`}
        role="tabpanel"
        aria-labelledby={`${baseId}-tab-${active}`}
        tabIndex={0}
        className="overflow-x-auto p-3 text-[12px] leading-5 text-gray-100 focus-visible:outline-2 focus-visible:outline-accent-500"
      >
        <code>{revealed ? snippet.copy : snippet.display}</code>
      </pre>
    </div>
  );
}
