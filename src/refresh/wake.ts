/**
 * Calls `handler` whenever the page may have been asleep: it became visible, got focus, came
 * back online, was restored from the back/forward cache, or resumed after being frozen.
 * Outside a browser there is nothing to listen to.
 */
export function onWake(handler: () => void): () => void {
  if (typeof window === 'undefined' || typeof document === 'undefined') return () => {};
  const onVisibility = (): void => {
    if (document.visibilityState === 'visible') handler();
  };
  const windowEvents = ['focus', 'online', 'pageshow'] as const;
  for (const name of windowEvents) window.addEventListener(name, handler);
  document.addEventListener('visibilitychange', onVisibility);
  document.addEventListener('resume', handler);
  return () => {
    for (const name of windowEvents) window.removeEventListener(name, handler);
    document.removeEventListener('visibilitychange', onVisibility);
    document.removeEventListener('resume', handler);
  };
}
