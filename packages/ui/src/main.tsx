import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.js';
import { applyTheme } from './settings/theme.js';
import './styles/theme.css';
import './styles/layout.css';
import './styles/table.css';
import './styles/trace.css';
import './styles/panel.css';
import './styles/monitor.css';

applyTheme();
const root = document.getElementById('root');
if (root)
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
