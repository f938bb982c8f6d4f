import { Component, inject, signal } from '@angular/core';
import { ActivatedRoute, Router } from '@angular/router';
import { TokenwardError } from 'tokenward';
import { injectSession } from 'tokenward/angular';

/** Only a path of this app: `next` comes from the URL, so it must not send anyone elsewhere. */
function localPath(next: string | null): string {
  return next?.startsWith('/') && !next.startsWith('//') ? next : '/account';
}

@Component({
  selector: 'app-login',
  template: `
    <form (submit)="signIn($event)">
      @if (query.get('reason'); as reason) {
        <p role="status">You were signed out ({{ reason }}).</p>
      }
      <input name="username" aria-label="User name" autocomplete="username" />
      <input name="password" aria-label="Password" type="password" autocomplete="current-password" />
      <button>Sign in</button>
      @if (error()) {
        <p role="alert">{{ error() }}</p>
      }
    </form>
  `,
})
export class Login {
  private readonly session = injectSession();
  private readonly router = inject(Router);
  protected readonly query = inject(ActivatedRoute).snapshot.queryParamMap;
  protected readonly error = signal('');

  protected async signIn(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    try {
      await this.session.login({ username: form.get('username'), password: form.get('password') });
      await this.router.navigateByUrl(localPath(this.query.get('next')), { replaceUrl: true });
    } catch (failure) {
      const wrong = failure instanceof TokenwardError && failure.code === 'login_failed';
      this.error.set(wrong ? 'Wrong user name or password.' : 'Cannot sign in right now. Try again in a moment.');
    }
  }
}
