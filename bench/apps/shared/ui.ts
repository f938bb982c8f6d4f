// The same few lines of page glue in every bundle-size app, so the apps differ only in the SDK.

export function show(text: string): void {
  const status = document.querySelector('#status');
  if (status) status.textContent = text;
}

export function onClick(selector: string, handler: () => unknown): void {
  document.querySelector(selector)?.addEventListener('click', () => void handler());
}

export function onLogin(handler: (username: string, password: string) => unknown): void {
  document.querySelector('#login')?.addEventListener('submit', (event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    void handler(form.get('username') as string, form.get('password') as string);
  });
}

/** What every app does with a token: call its API with it. */
export async function callApi(accessToken: string | undefined): Promise<void> {
  const response = await fetch('/api/me', { headers: { Authorization: `Bearer ${accessToken ?? ''}` } });
  show(response.ok ? 'signed in' : 'signed out');
}
