/**
 * Calls `handler` whenever the page may have been asleep: it became visible, got focus, came
 * back online, was restored from the back/forward cache, or resumed after being frozen; and
 * `hide` when the page goes into the back/forward cache. Outside a browser there is nothing to
 * listen to. Stops listening when `signal` aborts.
 */
export function onWake(handler: () => void, signal: AbortSignal, hide?: () => void): void {
  if (typeof document === 'undefined') return;
  const options = { signal };
  for (const name of ['focus', 'online', 'pageshow']) window.addEventListener(name, handler, options);
  if (hide) window.addEventListener('pagehide', (event) => event.persisted && hide(), options);
  document.addEventListener('resume', handler, options);
  document.addEventListener('visibilitychange', () => !document.hidden && handler(), options);
}
