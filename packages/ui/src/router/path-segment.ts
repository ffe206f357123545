/**
 * An id as one URL path segment. Dots are escaped too: the collector answers paths that end like a
 * file name (`/sessions/chat.v2`) with 404 instead of the app, so a reload would break.
 */
export function pathSegment(id: string): string {
  return encodeURIComponent(id).replace(/\./g, '%2E');
}
