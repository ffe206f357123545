/** A query-string value: arrays become repeated parameters, empty values are left out. */
export type QueryValue = string | number | boolean | readonly string[] | null | undefined;

/** Encodes `{ tags: ['a', 'b'], limit: 50 }` as `?tags=a&tags=b&limit=50` (or '' when empty). */
export function toQueryString(params: object): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params) as Array<[string, QueryValue]>) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) for (const item of value) search.append(key, item);
    else search.append(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
