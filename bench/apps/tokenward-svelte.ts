// Bundle-size app: svelte-shell.ts with the status read through tokenward/svelte's store.
import { sessionStore } from '../../src/svelte/index.ts';
import { startTokenwardApp } from './shared/tokenward-app.ts';
import { show } from './shared/ui.ts';

const session = startTokenwardApp();
sessionStore(session).subscribe((state) => show(state.status));
