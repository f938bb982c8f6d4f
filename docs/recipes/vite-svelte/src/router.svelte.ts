// The app's few routes on the History API: Svelte leaves routing to the app (or to SvelteKit).
let url = $state(new URL(location.href));
addEventListener('popstate', () => (url = new URL(location.href)));

export const route = {
  get path(): string {
    return url.pathname;
  },
  get query(): URLSearchParams {
    return url.searchParams;
  },
};

export function go(to: string, { replace = false } = {}): void {
  history[replace ? 'replaceState' : 'pushState'](null, '', to);
  url = new URL(location.href);
}

/** `onclick={follow}` on a link: the route changes without reloading the page. */
export function follow(event: MouseEvent): void {
  event.preventDefault();
  go((event.currentTarget as HTMLAnchorElement).pathname);
}

/** The login page, with where the user wanted to be and, when a session just ended, why. */
export function loginUrl(next: string, reason?: string): string {
  return `/login?${new URLSearchParams({ next, ...(reason && { reason }) })}`;
}
