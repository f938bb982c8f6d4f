// The Angular fixture app: tokenward/angular as an Angular app uses it (standalone, zoneless,
// HttpClient with the interceptor, the router with the guard), compiled ahead of time by ngc.
import { provideZonelessChangeDetection } from '@angular/core';
import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { bootstrapApplication } from '@angular/platform-browser';
import { provideRouter, withHashLocation } from '@angular/router';
import { authGuard, provideTokenward, tokenwardInterceptor } from '../../../src/angular/index.ts';
import { App, Home, Login, Private } from './app.ts';

bootstrapApplication(App, {
  providers: [
    provideZonelessChangeDetection(),
    provideTokenward(
      {},
      {
        login: (url, reason, router) => router.createUrlTree(['/login'], { queryParams: { next: url, ...(reason && { reason }) } }),
      },
    ),
    provideHttpClient(withInterceptors([tokenwardInterceptor])),
    provideRouter(
      [
        { path: '', component: Home },
        { path: 'login', component: Login },
        { path: 'private', component: Private, canActivate: [authGuard] },
      ],
      withHashLocation(),
    ),
  ],
}).catch((error: unknown) => console.error(error));
