/**
 * Built-in redaction of secrets in captured values: by key (headers and fields that hold
 * credentials) and by value (strings shaped like bearer tokens or provider API keys).
 */

/** What replaces a redacted value. */
export const REDACTED = '[REDACTED]';

/**
 * Keys whose values are secrets, case-insensitive. `token` only matches at the end of a key so that
 * `max_tokens` and `input_tokens` (usage counts) are kept while `access_token` and `idToken` are not.
 */
const SECRET_KEY_RE =
  /authorization|cookie|api[-_]?key|access[-_]?key|private[-_]?key|passw(?:or)?d|secret|token$/i;

/**
 * Values that look like credentials: bearer tokens, OpenAI/Anthropic keys (`sk-`, `sk-ant-`), AWS
 * access key ids, GitHub tokens, Slack tokens. Anchored at the start so a 10 MB string costs one
 * comparison, not a scan.
 */
const SECRET_VALUE_RE =
  /^\s*(?:bearer\s+\S{8,}|basic\s+[A-Za-z0-9+/=]{8,}|sk-[A-Za-z0-9_-]{16,}|(?:AKIA|ASIA)[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|xox[abposr]-[A-Za-z0-9-]{8,})/i;

/** Keys seen repeatedly (role, content, messages...) are looked up instead of matched. */
const KEY_CACHE_MAX = 2048;
const keyCache = new Map<string, boolean>();

/** True when a value stored under `key` must be redacted. */
export function isSecretKey(key: string): boolean {
  const hit = keyCache.get(key);
  if (hit !== undefined) return hit;
  const secret = key.length <= 256 && SECRET_KEY_RE.test(key);
  if (keyCache.size >= KEY_CACHE_MAX) keyCache.clear();
  keyCache.set(key, secret);
  return secret;
}

/** True when a string value looks like a credential. */
export function isSecretValue(value: string): boolean {
  if (value.length < 12) return false;
  // Only the head matters; slicing keeps a 10 MB string of spaces from costing a scan.
  return SECRET_VALUE_RE.test(value.length > 256 ? value.slice(0, 256) : value);
}
