/** LIKE patterns built from user text: `%`, `_` and the escape character match only themselves. */

/** The escape character to declare with `ESCAPE '\'`. */
export const LIKE_ESCAPE = '\\';

/** A pattern matching `text` anywhere, to bind as a parameter with `LIKE ? ESCAPE '\'`. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
