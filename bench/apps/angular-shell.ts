// Bundle-size app: the tokenward quickstart in an Angular application (HttpClient and the router
// provided) without the binding, the baseline that tokenward-angular.ts is measured against
// (Angular and rxjs are externals in both).
import { provideZonelessChangeDetection } from '@angular/core';
import { provideHttpClient } from '@angular/common/http';
import { createApplication } from '@angular/platform-browser';
import { provideRouter } from '@angular/router';
import { startTokenwardApp } from './shared/tokenward-app.ts';

startTokenwardApp();

void createApplication({ providers: [provideZonelessChangeDetection(), provideHttpClient(), provideRouter([])] });
