import { describe, expect, it } from 'vitest';
import { createSession, TokenwardError } from '../../src/index.ts';

describe('createSession options', () => {
  it.each([
    ['baseUrl', { baseUrl: 'api.example.com' }],
    ['baseUrl', { baseUrl: 'data:text/plain,x' }],
    ['baseUrl', { baseUrl: 'file:///srv/app' }],
    ['baseUrl', { baseUrl: '/auth' }],
    ['trustedOrigins', { trustedOrigins: ['https://ok.example', 'null'] }],
    ['trustedOrigins', { trustedOrigins: ['https://api.example.com/v1'] }],
    ['trustedOrigins', { trustedOrigins: ['ws://api.example.com'] }],
  ])('refuses a %s that is not an absolute http(s) origin: %j', (what, options) => {
    const attempt = () => createSession({ storage: 'memory', ...options });
    expect(attempt).toThrow(TokenwardError);
    expect(attempt).toThrow(`${what}:`);
    try {
      attempt();
    } catch (error) {
      expect((error as TokenwardError).code).toBe('invalid_options');
    }
  });

  it('accepts http(s) base URLs with a path and origins with or without a trailing slash', () => {
    const session = createSession({
      storage: 'memory',
      baseUrl: 'https://api.example.com/v1/',
      trustedOrigins: ['https://files.example.com', 'HTTP://127.0.0.1:8080/'],
    });
    session.dispose();
  });
});
