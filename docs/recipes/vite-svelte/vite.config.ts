import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

// One origin for app and API: in development Vite forwards /auth and /api to the API server,
// in production the server (or a reverse proxy) serves the built app and the API together.
const api = process.env.API_ORIGIN ?? 'http://127.0.0.1:8787';

export default defineConfig({
  plugins: [svelte()],
  server: { proxy: { '/auth': api, '/api': api } },
});
