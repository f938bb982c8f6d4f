// Bundle-size app: react-shell.ts with the status read through tokenward/react.
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { SessionProvider, useAccessToken, useSession } from '../../src/react/index.ts';
import { startTokenwardApp } from './shared/tokenward-app.ts';

const session = startTokenwardApp();

function Status() {
  const { status } = useSession();
  const token = useAccessToken();
  return createElement('p', null, status, token ? ' (token ready)' : '');
}

createRoot(document.querySelector('#app')!).render(createElement(SessionProvider, { session }, createElement(Status)));
