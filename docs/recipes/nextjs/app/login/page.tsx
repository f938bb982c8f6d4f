'use client';
import { Suspense, useState, type FormEvent } from 'react';
import { useRouter, useSearchParams } from 'next/navigation';
import { TokenwardError } from 'tokenward';
import { useSessionClient } from 'tokenward/react';

/** Only a path of this app: `next` comes from the URL, so it must not send anyone elsewhere. */
const localPath = (next: string | null) => (next?.startsWith('/') && !next.startsWith('//') ? next : '/account');

function LoginForm() {
  const { login } = useSessionClient();
  const router = useRouter();
  const params = useSearchParams();
  const [error, setError] = useState('');
  const reason = params.get('reason');

  async function signIn(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    try {
      await login({ username: form.get('username'), password: form.get('password') });
      router.replace(localPath(params.get('next')));
    } catch (failure) {
      const wrong = failure instanceof TokenwardError && failure.code === 'login_failed';
      setError(wrong ? 'Wrong user name or password.' : 'Cannot sign in right now. Try again in a moment.');
    }
  }

  return (
    <form onSubmit={signIn}>
      {reason && <p role="status">You were signed out ({reason}).</p>}
      <input name="username" aria-label="User name" autoComplete="username" />
      <input name="password" aria-label="Password" type="password" autoComplete="current-password" />
      <button>Sign in</button>
      {error && <p role="alert">{error}</p>}
    </form>
  );
}

// useSearchParams() needs a Suspense boundary for the page to be prerendered.
export default function LoginPage() {
  return (
    <Suspense>
      <LoginForm />
    </Suspense>
  );
}
