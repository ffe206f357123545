import type { CreatedApiKey } from '@wisp/protocol';
import { useState, type FormEvent } from 'react';
import { client } from '../api/client.js';
import { CopyButton } from '../components/copy-button.js';
import { ErrorState } from '../components/error-state.js';
import { LoadingState } from '../components/loading-state.js';
import { TimeStamp } from '../components/time-stamp.js';
import { visibleText } from '../format/visible-text.js';
import { useKeys } from '../hooks/use-api.js';

/** A project's API keys: create (the secret is shown once, here), list, revoke. */
export function ApiKeys({ projectId }: { projectId: string }) {
  const keys = useKeys(projectId);
  const [name, setName] = useState('');
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [failure, setFailure] = useState<Error | null>(null);

  function create(event: FormEvent) {
    event.preventDefault();
    if (!name.trim()) return;
    client.createKey(projectId, name.trim()).then(
      (key) => {
        setCreated(key);
        setName('');
        setFailure(null);
        keys.reload();
      },
      (error: unknown) => setFailure(error as Error),
    );
  }

  function revoke(keyId: string, keyName: string) {
    if (!window.confirm(`Revoke the key “${keyName}”? Apps using it will be refused.`)) return;
    client.revokeKey(projectId, keyId).then(keys.reload, (error: unknown) => setFailure(error as Error));
  }

  return (
    <section className="card" data-testid="api-keys">
      <h2>API keys</h2>
      <form className="inline-form" onSubmit={create}>
        <input placeholder="Key name, e.g. checkout-service" aria-label="New key name" value={name} onChange={(e) => setName(e.target.value)} data-testid="new-key-name" />
        <button type="submit" className="primary" data-testid="create-key">
          Create key
        </button>
      </form>
      {created ? (
        <div className="secret-once" role="status" data-testid="new-key-secret">
          <strong>Copy this key now: it will not be shown again.</strong>
          <code className="secret">{created.secret}</code>
          <CopyButton text={created.secret} />
          <button type="button" className="quiet" onClick={() => setCreated(null)}>
            Done
          </button>
        </div>
      ) : null}
      {failure ? <ErrorState error={failure} /> : null}
      {keys.error ? <ErrorState error={keys.error} retry={keys.reload} /> : null}
      {!keys.data && !keys.error ? <LoadingState /> : null}
      {keys.data ? (
        keys.data.items.length === 0 ? (
          <p className="muted">No keys yet. Create one for each app that sends traces.</p>
        ) : (
          <table className="data-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Key</th>
                <th>Created</th>
                <th>Last used</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {keys.data.items.map((k) => (
                <tr key={k.id} className={k.revokedAt ? 'revoked' : undefined}>
                  <td>{visibleText(k.name)}</td>
                  <td>
                    <code>{visibleText(k.prefix)}…</code>
                  </td>
                  <td>
                    <TimeStamp ms={k.createdAt} />
                  </td>
                  <td>{k.lastUsedAt ? <TimeStamp ms={k.lastUsedAt} /> : <span className="muted">never</span>}</td>
                  <td>
                    {k.revokedAt ? (
                      <span className="muted">
                        revoked <TimeStamp ms={k.revokedAt} />
                      </span>
                    ) : (
                      <button type="button" className="danger" onClick={() => revoke(k.id, k.name)}>
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : null}
    </section>
  );
}
