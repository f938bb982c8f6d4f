// Bundle-size app: the tokenward quickstart rendered by React without the binding, the baseline
// that tokenward-react.ts is measured against (react and react-dom are externals in both).
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { startTokenwardApp } from './shared/tokenward-app.ts';

const session = startTokenwardApp();

function Status() {
  return createElement('p', null, session.getState().status);
}

createRoot(document.querySelector('#app')!).render(createElement(Status));
