import { createSession } from 'tokenward';

// Once, for the whole app. Same origin (vite.config.ts), so no baseUrl.
export const session = createSession();
