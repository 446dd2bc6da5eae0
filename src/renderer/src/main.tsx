import './zod-jitless';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { resolveApi } from './api';
import { App } from './app';
import './styles/theme.css';
import './styles/layout.css';
import './styles/panels.css';
import './styles/transcript.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

void resolveApi().then((api) => {
  createRoot(root).render(
    <StrictMode>
      <App api={api} />
    </StrictMode>,
  );
});
