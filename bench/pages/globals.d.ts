// The bench pages' window globals, typed for page.evaluate on the Node side.
interface Window {
  benchHot: import('./api.ts').HotPathPage;
  benchRestore: import('./api.ts').RestorePage;
  benchVault: import('./api.ts').VaultPage;
  benchTabs: import('./api.ts').TabsPage;
  benchRefresh: import('./api.ts').RefreshPage;
  benchCheck: import('./api.ts').SessionCheckPage;
  benchOidc: import('./api.ts').OidcPage;
  benchDpop: import('./api.ts').DpopBenchPage;
  benchSoak: import('./api.ts').SoakPage;
  /** Exposed by the soak's driver: what went wrong in this tab. */
  soakReport(kind: 'api-failure' | 'session-lost', detail: string): Promise<void>;
}
