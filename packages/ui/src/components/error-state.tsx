import { ApiError } from '../api/api-error.js';

/** A failed load: what failed, the server's message as text, and a way to retry. */
export function ErrorState({ error, retry }: { error: Error; retry?: () => void }) {
  const code = error instanceof ApiError ? error.code : error.name;
  const status = error instanceof ApiError ? error.status : 0;
  const title =
    status === 404
      ? 'Not found: it may never have existed in this project, or retention has deleted it.'
      : status === 0 && error instanceof TypeError
        ? 'The collector did not answer. Is it running?'
        : 'Could not load this.';
  return (
    <div className="state state-error" role="alert">
      <strong>{title}</strong>
      <div>
        <code>{code}</code> {error.message}
      </div>
      {retry ? (
        <button type="button" onClick={retry}>
          Retry
        </button>
      ) : null}
    </div>
  );
}
