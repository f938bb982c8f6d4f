import { createSession } from 'tokenward';

// Once, outside React: StrictMode double mounts and hot reloads never make a second session.
// Same origin (vite.config.ts), so no baseUrl: /auth/* and /api/* are this page's own origin.
export const session = createSession();
