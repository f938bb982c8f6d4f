// Bundle-size app: angular-shell.ts with the session from tokenward/angular's provider (with
// its state signal), the interceptor on HttpClient and the guard on a route: the whole binding.
import { provideZonelessChangeDetection, runInInjectionContext } from '@angular/core';
import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { createApplication } from '@angular/platform-browser';
import { provideRouter } from '@angular/router';
import { authGuard, injectSession, provideTokenward, tokenwardInterceptor } from '../../src/angular/index.ts';
import { startTokenwardApp } from './shared/tokenward-app.ts';

void createApplication({
  providers: [
    provideZonelessChangeDetection(),
    provideTokenward({}, { login: '/login' }),
    provideHttpClient(withInterceptors([tokenwardInterceptor])),
    provideRouter([{ path: 'private', children: [], canActivate: [authGuard] }]),
  ],
}).then((app) =>
  // The quickstart's glue shows the status as in the shell; templates would read `session.state()`.
  runInInjectionContext(app.injector, () => startTokenwardApp({}, injectSession())),
);
