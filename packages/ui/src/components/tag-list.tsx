import { visibleText } from '../format/visible-text.js';
import { Link } from '../router/link.js';
import { toQueryString } from '../api/query-string.js';

/** Tags as chips, each opening the traces with that tag; past `max`, a "+n" chip lists the rest. */
export function TagList({ tags, max = Infinity }: { tags: readonly string[]; max?: number }) {
  const shown = tags.slice(0, max);
  const rest = tags.slice(max);
  return (
    <span className="tags">
      {shown.map((tag) => (
        <Link key={tag} className="tag" to={`/traces${toQueryString({ tags: [tag] })}`} onClick={(e) => e.stopPropagation()} title={visibleText(tag)}>
          {visibleText(tag)}
        </Link>
      ))}
      {rest.length ? (
        <span className="tag more" title={rest.map(visibleText).join(', ')}>
          +{rest.length}
        </span>
      ) : null}
    </span>
  );
}
