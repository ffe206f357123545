import { useState, type FormEvent } from 'react';

/** Asks for an API key when the server requires one. The key stays in this tab (sessionStorage). */
export function KeyPrompt({ onSubmit, rejected }: { onSubmit: (key: string) => void; rejected: boolean }) {
  const [key, setKey] = useState('');
  function submit(event: FormEvent) {
    event.preventDefault();
    if (key.trim()) onSubmit(key.trim());
  }
  return (
    <div className="key-prompt">
      <form onSubmit={submit} className="card" data-testid="key-prompt">
        <h1>Wisp</h1>
        <p>This collector requires an API key. It is kept in this browser tab only.</p>
        {rejected ? <p className="error-text">That key was not accepted.</p> : null}
        <input
          type="password"
          autoComplete="off"
          placeholder="wisp_…"
          aria-label="API key"
          value={key}
          onChange={(e) => setKey(e.target.value)}
          autoFocus
        />
        <button type="submit" className="primary">
          Open dashboard
        </button>
      </form>
    </div>
  );
}
