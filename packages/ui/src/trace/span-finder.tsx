import { useEffect, useMemo, useState } from 'react';
import { visibleRows, type SpanTree } from './span-tree.js';

/**
 * Finds spans by name, kind, model or id in a trace of any size; Enter (or the arrows) goes to the
 * next match, which is selected and scrolled into view with its ancestors expanded.
 */
export function SpanFinder({
  tree,
  onMatches,
  onGo,
}: {
  tree: SpanTree;
  onMatches: (ids: ReadonlySet<string>) => void;
  onGo: (spanId: string) => void;
}) {
  const [text, setText] = useState('');
  /** The current match, -1 before the first jump. */
  const [at, setAt] = useState(-1);
  const allRows = useMemo(() => visibleRows(tree, new Set()), [tree]);
  const matches = useMemo(() => {
    const needle = text.trim().toLowerCase();
    if (!needle) return [];
    return allRows
      .filter(({ span }) => `${span.name}\u0000${span.kind}\u0000${span.model ?? ''}\u0000${span.spanId}`.toLowerCase().includes(needle))
      .map(({ span }) => span.spanId);
  }, [allRows, text]);
  useEffect(() => {
    setAt(-1);
    onMatches(new Set(matches));
  }, [matches, onMatches]);

  const go = (step: number) => {
    if (!matches.length) return;
    const next = at < 0 ? (step > 0 ? 0 : matches.length - 1) : (at + step + matches.length) % matches.length;
    setAt(next);
    onGo(matches[next]!);
  };

  return (
    <span className="span-finder">
      <input
        type="search"
        placeholder="Find span…"
        aria-label="Find span by name, kind, model or id"
        value={text}
        data-testid="span-finder"
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            go(e.shiftKey ? -1 : 1);
          }
        }}
      />
      {text ? (
        <>
          <span className="muted small" data-testid="span-finder-count">
            {!matches.length ? 'no match' : at < 0 ? `${matches.length.toLocaleString('en-US')} ${matches.length === 1 ? 'match' : 'matches'}` : `${at + 1} of ${matches.length.toLocaleString('en-US')}`}
          </span>
          <button type="button" onClick={() => go(-1)} disabled={!matches.length} aria-label="Previous match">
            ↑
          </button>
          <button type="button" onClick={() => go(1)} disabled={!matches.length} aria-label="Next match">
            ↓
          </button>
        </>
      ) : null}
    </span>
  );
}
