import { useCallback, useEffect, useState } from 'react';
import { ApiError } from './api/api-error.js';
import { client, type WhoAmI } from './api/client.js';
import { readCredentials, saveApiKey, saveProject } from './api/credentials.js';
import { ErrorState } from './components/error-state.js';
import { KeyPrompt } from './components/key-prompt.js';
import { NavBar } from './components/nav-bar.js';
import { ProjectPicker } from './components/project-picker.js';
import { Routes } from './routes.js';

type Access =
  | { state: 'checking' }
  | { state: 'needs-key'; rejected: boolean }
  | { state: 'failed'; error: Error }
  | { state: 'ready'; identity: WhoAmI };

/** The shell: finds out who we are (asking for a key when the server wants one), then the pages. */
export function App() {
  const [access, setAccess] = useState<Access>({ state: 'checking' });
  const [epoch, setEpoch] = useState(0);

  const check = useCallback((afterKey: boolean) => {
    client.whoami().then(
      (identity) => {
        // A project chosen as admin means nothing (and is refused) with a project's own key.
        if (!identity.admin && readCredentials().projectId) {
          saveProject(null);
          return check(afterKey);
        }
        setAccess({ state: 'ready', identity });
      },
      (error: unknown) => {
        const status = error instanceof ApiError ? error.status : 0;
        if ((status === 403 || status === 404) && readCredentials().projectId) {
          saveProject(null);
          return check(afterKey);
        }
        if (status === 401 || status === 403) setAccess({ state: 'needs-key', rejected: afterKey });
        else setAccess({ state: 'failed', error: error as Error });
      },
    );
  }, []);

  useEffect(() => {
    check(false);
    return client.onUnauthorized(() =>
      setAccess((a) => (a.state === 'ready' || a.state === 'checking' ? { state: 'needs-key', rejected: a.state === 'ready' } : a)),
    );
  }, [check]);

  if (access.state === 'failed')
    return (
      <main className="page">
        <ErrorState error={access.error} retry={() => check(false)} />
      </main>
    );
  if (access.state === 'needs-key')
    return (
      <KeyPrompt
        rejected={access.rejected}
        onSubmit={(key) => {
          saveApiKey(key);
          saveProject(null);
          check(true);
        }}
      />
    );

  // While whoami is in flight the page already loads its data (a 10,000-span trace should not wait
  // for a round trip first); a 401 on any call brings up the key prompt.
  const identity = access.state === 'ready' ? access.identity : null;
  const project = readCredentials().projectId ?? identity?.projectId ?? '';
  return (
    <>
      <NavBar>
        {identity?.admin ? <ProjectPicker current={project} onChange={() => setEpoch((e) => e + 1)} /> : null}
        {identity?.authRequired ? (
          <button
            type="button"
            className="quiet"
            onClick={() => {
              saveApiKey(null);
              setAccess({ state: 'needs-key', rejected: false });
            }}
          >
            Sign out
          </button>
        ) : null}
      </NavBar>
      <main className="app-main" key={`${readCredentials().projectId ?? ""}:${epoch}`}>
        <Routes identity={identity} projectId={project} />
      </main>
    </>
  );
}
