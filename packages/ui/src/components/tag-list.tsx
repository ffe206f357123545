import { visibleText } from '../format/visible-text.js';
import { Link } from '../router/link.js';

/** Tags as chips; each opens the traces with that tag. */
export function TagList({ tags, linked = true }: { tags: readonly string[]; linked?: boolean }) {
  return (
    <span className="tags">
      {tags.map((tag) =>
        linked ? (
          <Link key={tag} className="tag" to={`/traces?tags=${encodeURIComponent(tag)}`} onClick={(e) => e.stopPropagation()}>
            {visibleText(tag)}
          </Link>
        ) : (
          <span key={tag} className="tag">
            {visibleText(tag)}
          </span>
        ),
      )}
    </span>
  );
}
