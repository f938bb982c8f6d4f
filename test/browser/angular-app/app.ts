// The Angular fixture app's components: status, an API answer and buttons on screen, the routed
// page below them. The tests also drive HttpClient and the router from page.evaluate (window.twAngular).
import { Component, computed, inject, signal } from '@angular/core';
import { HttpClient, type HttpResponse } from '@angular/common/http';
import { ActivatedRoute, Router, RouterOutlet } from '@angular/router';
import { firstValueFrom, type Observable } from 'rxjs';
import { injectSession } from '../../../src/angular/index.ts';
import { ALICE, describeState } from '../fixture/bindings-kit.ts';

/** What the tests call in the page: requests through HttpClient (and so the interceptor), and navigation. */
export interface TwAngular {
  /** GETs `url` `count` times at once through HttpClient; resolves each status (0: no response could be read). */
  get(url: string, count: number): Promise<number[]>;
  /** POSTs `{}` to `url` through HttpClient; resolves the status. */
  post(url: string): Promise<number>;
  navigate(url: string): Promise<boolean>;
}

declare global {
  interface Window {
    twAngular: TwAngular;
  }
}

@Component({
  selector: 'tw-root',
  imports: [RouterOutlet],
  template: `
    <p id="status">{{ status() }}</p>
    <p id="api">{{ api() }}</p>
    <button id="login" (click)="login()">Log in</button>
    <button id="refresh" (click)="refresh()">Refresh</button>
    <button id="call-api" (click)="callApi()">Who am I?</button>
    <button id="logout" (click)="logout()">Log out</button>
    <router-outlet />
  `,
})
export class App {
  private readonly session = injectSession();
  private readonly http = inject(HttpClient);
  protected readonly status = computed(() => describeState(this.session.state()));
  protected readonly api = signal('');

  constructor() {
    const router = inject(Router);
    // `waitForState` and ad-hoc page.evaluate calls find it here, as on the other fixture pages.
    window.session = this.session;
    const status = (request: Observable<HttpResponse<unknown>>) =>
      firstValueFrom(request).then(
        (response) => response.status,
        (error: { status: number }) => error.status,
      );
    window.twAngular = {
      get: (url, count) => Promise.all(Array.from({ length: count }, () => status(this.http.get(url, { observe: 'response' })))),
      post: (url) => status(this.http.post(url, {}, { observe: 'response' })),
      navigate: (url) => router.navigateByUrl(url),
    };
  }

  protected login(): void {
    void this.session.login(ALICE);
  }

  protected refresh(): void {
    void this.session.refresh();
  }

  protected logout(): void {
    void this.session.logout();
  }

  protected callApi(): void {
    void firstValueFrom(this.http.get<{ user: string }>('/api/me')).then((me) => this.api.set(`api says ${me.user}`));
  }
}

@Component({ template: `<p id="page">home</p>` })
export class Home {}

@Component({ template: `<p id="page">private</p>` })
export class Private {}

@Component({ template: `<p id="page">login next={{ query.get('next') }} reason={{ query.get('reason') ?? '' }}</p>` })
export class Login {
  protected readonly query = inject(ActivatedRoute).snapshot.queryParamMap;
}
