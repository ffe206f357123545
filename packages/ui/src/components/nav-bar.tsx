import type { ReactNode } from 'react';
import { Link } from '../router/link.js';
import { useLocation } from '../router/use-location.js';
import { ThemeToggle } from './theme-toggle.js';
import { TimeZonePicker } from './time-zone-picker.js';

const PAGES = [
  { to: '/traces', label: 'Traces' },
  { to: '/sessions', label: 'Sessions' },
  { to: '/users', label: 'Users' },
  { to: '/monitor', label: 'Monitor' },
  { to: '/settings', label: 'Settings' },
];

/** The top bar: pages, and the pickers that apply everywhere. */
export function NavBar({ children }: { children?: ReactNode }) {
  const { path } = useLocation();
  return (
    <nav className="nav-bar" aria-label="Main">
      <Link to="/traces" className="brand">
        <span className="brand-mark" aria-hidden="true" />
        Wisp
      </Link>
      {PAGES.map((p) => (
        <Link key={p.to} to={p.to} className={path.startsWith(p.to) ? 'nav-link active' : 'nav-link'} aria-current={path.startsWith(p.to) ? 'page' : undefined}>
          {p.label}
        </Link>
      ))}
      <span className="spacer" />
      {children}
      <TimeZonePicker />
      <ThemeToggle />
    </nav>
  );
}
