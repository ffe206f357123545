/** The footer of a paged table: how many rows are shown, and "Load more" while there are more. */
export function LoadMoreFooter({ shown, noun, hasMore, loading, onLoadMore }: { shown: number; noun: string; hasMore: boolean; loading: boolean; onLoadMore: () => void }) {
  return (
    <div className="table-footer">
      <span className="muted" data-testid="row-count">
        {shown.toLocaleString('en-US')} {noun} shown
      </span>
      {hasMore ? (
        <button type="button" onClick={onLoadMore} disabled={loading} data-testid="load-more">
          {loading ? 'Loading…' : 'Load more'}
        </button>
      ) : (
        <span className="muted">end of list</span>
      )}
    </div>
  );
}
