import type { Browser } from 'playwright-core';

export function launchWebKit(_driverPath: string): Promise<Browser> {
  return Promise.reject(new Error('not yet'));
}
