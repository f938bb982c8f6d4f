/** Settles as `promise` does, unless `signal` aborts first: then it rejects with `error()`. */
export function bounded<T>(promise: Promise<T>, signal: AbortSignal, error: () => Error): Promise<T> {
  const given = new Promise<never>((_, reject) => {
    const fail = (): void => reject(error());
    if (signal.aborted) fail();
    else signal.addEventListener('abort', fail, { once: true });
  });
  return Promise.race([promise, given]);
}
