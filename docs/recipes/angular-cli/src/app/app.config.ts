import { ApplicationConfig, provideBrowserGlobalErrorListeners } from '@angular/core';
import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { provideRouter } from '@angular/router';
import { provideTokenward, tokenwardInterceptor } from 'tokenward/angular';

import { routes } from './app.routes';

export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    // The app's one session. Same origin (proxy.conf.json in development), so no baseUrl.
    // The second argument turns on authGuard, and leaving protected routes when the session
    // ends (here or in another tab), with where the user was and why (createUrlTree drops a
    // `reason` that is undefined: the guard has none).
    provideTokenward({}, { login: (url, reason, router) => router.createUrlTree(['/login'], { queryParams: { next: url, reason } }) }),
    // Requests to the app's own origin carry the token; a 401 refreshes once and retries.
    provideHttpClient(withInterceptors([tokenwardInterceptor])),
    provideRouter(routes),
  ],
};
