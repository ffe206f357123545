/**
 * The URL to link to when `text` is an absolute http(s) URL, else null. The scheme is judged by the
 * WHATWG URL parser (which decodes and lower-cases it), so `JaVaScRiPt:`, `%6aavascript:`,
 * `data:`, `vbscript:` and protocol-relative `//host` never become links.
 */
export function safeHttpUrl(text: string): string | null {
  const trimmed = text.trim();
  if (trimmed.length > 2048 || !/^https?:\/\//i.test(trimmed)) return null;
  try {
    const url = new URL(trimmed);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    if (url.username || url.password) return null;
    return url.href;
  } catch {
    return null;
  }
}
