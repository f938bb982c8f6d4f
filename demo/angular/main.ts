// The Angular example: the demo's session through tokenward/angular, and nothing else. Angular
// compiles the templates in the browser (JIT: '@angular/compiler' is imported first), so the
// demo's one Vite build needs no Angular compiler step; an app built by the Angular CLI compiles
// them ahead of time instead (docs/recipes/angular-cli). The decorators are called as functions
// for the same reason: no decorator transform either.
import '@angular/compiler';
import { Component, inject, provideZonelessChangeDetection, signal } from '@angular/core';
import { HttpClient, HttpErrorResponse, provideHttpClient, withInterceptors } from '@angular/common/http';
import { bootstrapApplication } from '@angular/platform-browser';
import { firstValueFrom } from 'rxjs';
import { injectSession, provideTokenward, tokenwardInterceptor } from 'tokenward/angular';
import { DEMO_USER, expiryText, failureText, statusText } from '../parts/example-text.ts';

// Each component reads the state signal itself: signal inputs need the ahead-of-time compiler
// (or the CLI's JIT transform) to be declared, and the state is one injection away anyway.
class StatusView {
  protected readonly state = injectSession().state;
  protected readonly text = statusText;
}
const Status = Component({
  selector: 'demo-status',
  template: `
    <div id="status" class="status" [attr.data-status]="state().status" role="status">
      <span class="dot" aria-hidden="true"></span>
      <span id="status-text">{{ text(state()) }}</span>
      @if (state().refreshing) {
        <span class="pill">refreshing…</span>
      }
    </div>
  `,
})(StatusView);

class SignInFormView {
  private readonly session = injectSession();
  protected readonly user = DEMO_USER;
  protected readonly pending = signal(false);
  protected readonly error = signal<string | null>(null);

  protected async signIn(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    this.pending.set(true);
    this.error.set(null);
    try {
      await this.session.login({ username: form.get('username'), password: form.get('password') });
      // Nothing to do on success: the state signal changes, and the app replaces this form.
    } catch (failure) {
      this.error.set(failureText(failure));
      this.pending.set(false);
    }
  }
}
const SignInForm = Component({
  selector: 'demo-sign-in',
  template: `
    <form id="login-form" class="login-form" (submit)="signIn($event)">
      <label>User <input id="username" name="username" autocomplete="username" required [value]="user.username" /></label>
      <label>
        Password
        <input id="password" name="password" type="password" autocomplete="current-password" required [value]="user.password" />
      </label>
      <button id="sign-in" type="submit" class="primary" [disabled]="pending()">Sign in</button>
      <p class="hint">Demo account: user <code>{{ user.username }}</code>, password <code>{{ user.password }}</code>.</p>
      @if (error(); as error) {
        <p id="login-error" class="inline-error" role="alert">{{ error }}</p>
      }
    </form>
  `,
})(SignInFormView);

class SignedInView {
  protected readonly session = injectSession();
  protected readonly state = this.session.state;
  private readonly http = inject(HttpClient);
  protected readonly expiry = expiryText;
  protected readonly answer = signal<string | null>(null);

  protected async callApi(): Promise<void> {
    try {
      // HttpClient through tokenwardInterceptor: the bearer token per request, and on a 401 one refresh and one retry.
      const me = await firstValueFrom(this.http.get<unknown>('/api/me'));
      this.answer.set(`200 ${JSON.stringify(me)}`);
    } catch (failure) {
      this.answer.set(`failed: ${failure instanceof HttpErrorResponse ? `HTTP ${failure.status}` : failureText(failure)}`);
    }
  }
}
const SignedIn = Component({
  selector: 'demo-signed-in',
  template: `
    <h3>Claims <small>the state holds claims, never the token</small></h3>
    <dl id="claims" class="fields">
      <dt>sub</dt>
      <dd>{{ state().claims?.sub }}</dd>
      <dt>exp</dt>
      <dd>{{ expiry(state().claims) }}</dd>
    </dl>
    <div class="actions">
      <button id="call-api" type="button" (click)="callApi()">Call <code>GET /api/me</code></button>
      <button id="logout" type="button" class="danger" (click)="session.logout()">Log out</button>
    </div>
    @if (answer(); as answer) {
      <pre id="api-answer" class="code api-answer">GET /api/me → {{ answer }}</pre>
    }
  `,
})(SignedInView);

class AppView {
  // The session's state as a read-only signal, fed by session.subscribe.
  protected readonly state = injectSession().state;
}
const App = Component({
  selector: 'demo-app',
  imports: [Status, SignInForm, SignedIn],
  template: `
    <section class="card" aria-labelledby="session-title">
      <h2 id="session-title">Session</h2>
      <demo-status />
      @switch (state().status) {
        @case ('unauthenticated') {
          <demo-sign-in />
        }
        @case ('authenticated') {
          <demo-signed-in />
        }
      }
    </section>
  `,
})(AppView);

// The defaults, as on the main page: the same name, so the same encrypted vault and cross-tab
// channel, and so one session for every tab of the demo, whichever page it shows. provideTokenward
// creates it when the app starts and disposes it with the app.
void bootstrapApplication(App, {
  providers: [provideZonelessChangeDetection(), provideTokenward(), provideHttpClient(withInterceptors([tokenwardInterceptor]))],
});
