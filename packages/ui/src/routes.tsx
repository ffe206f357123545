import { useEffect } from 'react';
import type { WhoAmI } from './api/client.js';
import { EmptyState } from './components/empty-state.js';
import { LoadingState } from './components/loading-state.js';
import { MonitorPage } from './pages/monitor-page.js';
import { SessionDetailPage } from './pages/session-detail-page.js';
import { SessionsPage } from './pages/sessions-page.js';
import { SettingsPage } from './pages/settings-page.js';
import { TraceDetailPage } from './pages/trace-detail-page.js';
import { TracesPage } from './pages/traces-page.js';
import { UsersPage } from './pages/users-page.js';
import { navigate } from './router/history.js';
import { Link } from './router/link.js';
import { useLocation } from './router/use-location.js';

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

const param = (path: string, prefix: string) => {
  try {
    return decodeURIComponent(path.slice(prefix.length));
  } catch {
    return path.slice(prefix.length);
  }
};

/** Which page the path shows. */
export function Routes({ identity, projectId }: { identity: WhoAmI | null; projectId: string }) {
  const { path } = useLocation();
  if (path === '/' || path === '') return <Redirect to="/traces" />;
  if (path === '/traces') return <TracesPage />;
  if (/^\/traces\/[^/]+$/.test(path)) {
    const id = param(path, '/traces/');
    return <TraceDetailPage key={id} traceId={id} />;
  }
  if (path === '/sessions') return <SessionsPage />;
  if (/^\/sessions\/[^/]+$/.test(path)) {
    const id = param(path, '/sessions/');
    return <SessionDetailPage key={id} sessionId={id} />;
  }
  if (path === '/users') return <UsersPage />;
  if (path === '/monitor') return <MonitorPage />;
  if (path === '/settings') return identity ? <SettingsPage identity={identity} projectId={projectId} /> : <LoadingState />;
  return (
    <EmptyState title="There is no page here.">
      <Link to="/traces">Go to traces</Link>
    </EmptyState>
  );
}
