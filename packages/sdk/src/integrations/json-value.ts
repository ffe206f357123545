/**
 * Structured values that arrive as JSON strings (OTel attributes are flat scalars, so
 * instrumentations encode messages and documents; LangChain encodes tool inputs) are parsed to keep
 * their structure, but only up to a size: a bigger string would be cut by the snapshot anyway, and
 * parsing is work on the app's tick (OTel ends spans there, LangChain awaits its callbacks).
 */
import { parseJsonish as parseBounded, type JsonBounds } from '@wisp/protocol';

/** How much JSON the SDK's integrations parse: strings up to 256 Ki characters. */
export const SDK_JSON_BOUNDS: JsonBounds = Object.freeze({ maxChars: 256 * 1024 });

/** `value` parsed when it is a JSON object or array string within the SDK's bounds; else as it came. */
export function parseJsonish(value: unknown): unknown {
  return parseBounded(value, SDK_JSON_BOUNDS);
}
