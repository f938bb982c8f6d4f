import { Component, inject, signal } from '@angular/core';
import { HttpClient, HttpErrorResponse } from '@angular/common/http';
import { firstValueFrom } from 'rxjs';
import { injectSession } from 'tokenward/angular';

@Component({
  selector: 'app-account',
  template: `
    <section>
      @if (session.state().expired) {
        <p role="status">Signed in, reconnecting…</p>
      }
      <p>Signed in as {{ session.state().claims?.sub }}</p>
      <button (click)="callApi()">Call the API</button>
      <output>{{ answer() }}</output>
      <button (click)="session.logout()">Sign out</button>
    </section>
  `,
})
export class Account {
  // The session, plus `state`: a read-only signal of its state.
  protected readonly session = injectSession();
  private readonly http = inject(HttpClient);
  protected readonly answer = signal('');

  protected async callApi(): Promise<void> {
    try {
      // Through the interceptor: the token goes along, fetched (and refreshed when due) per request.
      const me = await firstValueFrom(this.http.get<{ user: string }>('/api/me'));
      this.answer.set(`The API says you are ${me.user}.`);
    } catch (error) {
      if (!(error instanceof HttpErrorResponse)) throw error;
      this.answer.set(error.status ? `The API answered ${error.status}.` : 'No answer.');
    }
  }
}
