import { safeHttpUrl } from '../format/safe-url.js';
import { visibleText } from '../format/visible-text.js';

/** Untrusted text that becomes a link only when it is an http(s) URL; otherwise plain text. */
export function SafeLink({ text }: { text: string }) {
  const href = safeHttpUrl(text);
  if (!href) return <>{visibleText(text)}</>;
  return (
    <a href={href} target="_blank" rel="noopener noreferrer nofollow" referrerPolicy="no-referrer">
      {visibleText(text)}
    </a>
  );
}
