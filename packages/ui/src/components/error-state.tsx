import { ApiError } from '../api/api-error.js';

/** A failed load: what failed, the server's message as text, and a way to retry. */
export function ErrorState({ error, retry }: { error: Error; retry?: () => void }) {
  const code = error instanceof ApiError ? error.code : error.name;
  return (
    <div className="state state-error" role="alert">
      <strong>Could not load this.</strong>
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
