import { useState } from 'react';
import type { WhoAmI } from '../api/client.js';
import { ThemeToggle } from '../components/theme-toggle.js';
import { TimeZonePicker } from '../components/time-zone-picker.js';
import { visibleText } from '../format/visible-text.js';
import { ApiKeys } from '../settings-page/api-keys.js';
import { Projects } from '../settings-page/projects.js';

/** `/settings`: display preferences, and for admins projects, keys and retention. */
export function SettingsPage({ identity, projectId }: { identity: WhoAmI; projectId: string }) {
  const [keysFor, setKeysFor] = useState(projectId);
  return (
    <div className="page settings-page">
      <div className="page-title">
        <h1>Settings</h1>
      </div>
      <section className="card">
        <h2>Display</h2>
        <div className="settings-row">
          <span>Time zone of every timestamp</span>
          <TimeZonePicker />
        </div>
        <div className="settings-row">
          <span>Theme</span>
          <ThemeToggle />
        </div>
      </section>
      {identity.admin ? (
        <>
          <Projects selected={keysFor} onSelect={setKeysFor} />
          <ApiKeys key={keysFor} projectId={keysFor} />
        </>
      ) : (
        <section className="card">
          <h2>Project</h2>
          <p>
            This key belongs to project <code>{visibleText(identity.projectId)}</code>. Managing projects, keys and retention needs the admin
            secret.
          </p>
        </section>
      )}
    </div>
  );
}
