/**
 * Text the pages show that someone else wrote (a prompt, a key's, an app's or
 * a rule's name) may hold bidirectional controls: a right-to-left override
 * (U+202E) shows "exe.txt" written as "txt.exe", or turns a name around so it
 * reads as another. Shown as it is, what an admin reads differs from what was
 * sent. The pages show each such character as a visible escape instead
 * (‹U+202E›), and isolate the text (components/ui/Untrusted.tsx) so one
 * name's direction cannot reorder its neighbours. Only the display changes:
 * what is stored, copied or sent back stays as it was.
 */

/** The explicit bidi formatting characters: marks (LRM, RLM, ALM), embeddings and overrides (LRE…RLO), isolates (LRI…PDI). */
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

const escapeOf = (c: string) => `‹U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}›`;

/** The text with each bidi control shown as ‹U+XXXX›; text without one is returned as it is. */
export function showBidiControls(text: string): string;
export function showBidiControls(text: string | null | undefined): string | null | undefined;
export function showBidiControls(text: string | null | undefined): string | null | undefined {
  if (!text) return text;
  return text.replace(BIDI_CONTROLS, escapeOf);
}
