// Bundle-size app: the tokenward quickstart showing its status without the binding, the
// baseline that tokenward-svelte.ts is measured against (svelte is an external in both).
import { startTokenwardApp } from './shared/tokenward-app.ts';
import { show } from './shared/ui.ts';

const session = startTokenwardApp();
session.subscribe((state) => show(state.status));
