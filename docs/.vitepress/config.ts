import { existsSync, readFileSync } from 'node:fs';
import { defineConfig, type DefaultTheme } from 'vitepress';

// The API reference is generated from the JSDoc by typedoc (`npm run docs:api`, part of
// `npm run docs:build`) into docs/reference/, which git ignores; so is its sidebar.
const referenceSidebar = new URL('../reference/typedoc-sidebar.json', import.meta.url);
const reference: DefaultTheme.SidebarItem[] = existsSync(referenceSidebar)
  ? (JSON.parse(readFileSync(referenceSidebar, 'utf8')) as DefaultTheme.SidebarItem[])
  : [];

const repo = 'https://github.com/tokenward/tokenward';

export default defineConfig({
  title: 'tokenward',
  description: 'Session lifecycle for single-page apps: silent refresh, encrypted IndexedDB storage, cross-tab sync and logout that leaves nothing behind.',
  cleanUrls: true,
  lastUpdated: false,
  // Dead links fail the build (VitePress's default, kept on purpose); `npm test` checks the same links faster (scripts/docs-check.ts).
  ignoreDeadLinks: false,
  themeConfig: {
    nav: [
      { text: 'Guide', link: '/guide/getting-started' },
      { text: 'Recipes', link: '/recipes/' },
      { text: 'OpenID Connect', link: '/oidc/' },
      { text: 'Server', link: '/server/contract' },
      { text: 'API reference', link: '/reference/' },
    ],
    sidebar: {
      '/reference/': [{ text: 'API reference', link: '/reference/', items: reference }],
      '/': [
        {
          text: 'Guide',
          items: [
            { text: 'What tokenward is', link: '/guide/introduction' },
            { text: 'Getting started', link: '/guide/getting-started' },
            { text: 'Browser support', link: '/guide/browser-support' },
            { text: 'Use it in your own app', link: '/guide/use-it-in-your-own-app' },
            { text: 'API', link: '/guide/api' },
            { text: 'Options', link: '/guide/options' },
          ],
        },
        {
          text: 'How it behaves',
          items: [
            { text: 'Silent refresh', link: '/guide/silent-refresh' },
            { text: 'The HTTP client and the origin policy', link: '/guide/http-client' },
            { text: 'Encrypted IndexedDB vault', link: '/guide/vault' },
            { text: 'Every tab in step', link: '/guide/every-tab-in-step' },
            { text: 'Logout that leaves nothing', link: '/guide/logout' },
            { text: 'Cookie mode', link: '/guide/cookie-mode' },
            { text: 'Idle timeout', link: '/guide/idle-timeout' },
            { text: 'Session check', link: '/guide/session-check' },
            { text: 'DPoP', link: '/guide/dpop' },
            { text: 'SSR and Node', link: '/guide/ssr' },
          ],
        },
        {
          text: 'Recipes',
          items: [
            { text: 'Overview', link: '/recipes/' },
            { text: 'React', link: '/recipes/react' },
            { text: 'Vite + React (tested app)', link: '/recipes/vite-react' },
            { text: 'Next.js App Router (tested app)', link: '/recipes/nextjs' },
            { text: 'Vue', link: '/recipes/vue' },
            { text: 'Vite + Vue (tested app)', link: '/recipes/vite-vue' },
            { text: 'Angular', link: '/recipes/angular' },
            { text: 'Angular CLI (tested app)', link: '/recipes/angular-cli' },
            { text: 'Svelte', link: '/recipes/svelte' },
            { text: 'Vite + Svelte (tested app)', link: '/recipes/vite-svelte' },
          ],
        },
        {
          text: 'OpenID Connect',
          items: [
            { text: 'tokenward/oidc', link: '/oidc/' },
            { text: 'Identity providers', link: '/oidc/providers' },
            { text: 'What is tested', link: '/oidc/what-is-tested' },
          ],
        },
        {
          text: 'Server',
          items: [
            { text: 'Server contract', link: '/server/contract' },
            { text: 'The reference server package', link: '/server/package' },
            { text: 'The demo', link: '/server/demo' },
            { text: 'What the reference server does right', link: '/server/reference-server' },
            { text: 'DPoP at the reference server', link: '/server/dpop' },
            { text: 'Several processes: Redis', link: '/server/redis' },
            { text: 'The same with Django', link: '/server/django' },
          ],
        },
        {
          text: 'Project',
          items: [
            { text: 'Security model', link: '/security' },
            { text: 'Benchmarks', link: '/benchmarks' },
            { text: 'Where this departs from DESIGN.md', link: '/departures' },
            { text: 'Tests', link: '/contributing/tests' },
            { text: 'Layout', link: '/contributing/layout' },
          ],
        },
      ],
    },
    socialLinks: [{ icon: 'github', link: repo }],
    search: { provider: 'local' },
  },
});
