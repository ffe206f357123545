// Bidi overrides and invisible marks can make a span name read as something else (CWE-451); they
// are shown as visible escapes instead of being obeyed.
const INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** `text` with invisible and direction-changing characters replaced by `⟨U+202E⟩`. */
export function visibleText(text: string): string {
  return text.replace(INVISIBLE, (c) => `⟨U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}⟩`);
}
