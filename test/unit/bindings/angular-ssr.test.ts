// Server rendering with Angular in Node (@angular/platform-server): providing tokenward there
// works, shows `loading`, creates no session of the app's options (so no flow, timer or request
// of theirs), and lets nothing protected render.
// The component is compiled just in time (@angular/compiler): no ngc step for a unit test.
import '@angular/compiler';
import { Component, provideZonelessChangeDetection } from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';
import { provideServerRendering, renderApplication } from '@angular/platform-server';
import { RouterOutlet, provideRouter } from '@angular/router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { authGuard, injectSession, provideTokenward } from '../../../src/angular/index.js';
import type { FlowFactory, LoginCredentials } from '../../../src/index.js';

const Private = Component({ selector: 'tw-private', template: '<p>private</p>' })(class {});

const App = Component({
  selector: 'tw-app',
  imports: [RouterOutlet],
  template: '<p id="status">{{ session.state().status }}</p><router-outlet />',
})(
  class {
    readonly session = injectSession();
  },
);

afterEach(() => vi.restoreAllMocks());

/** Renders App at `url` on the server with tokenward provided as an app would (with a flow that counts its sessions). */
async function render(url: string): Promise<{ html: string; flows: number }> {
  let flows = 0;
  const flow: FlowFactory<LoginCredentials> = {
    createFlow: () => {
      flows++;
      throw new Error('no session should be created on the server');
    },
  };
  const html = await renderApplication(
    (context) =>
      bootstrapApplication(
        App,
        {
          providers: [
            provideServerRendering(),
            provideZonelessChangeDetection(),
            provideTokenward({ flow, baseUrl: 'https://api.example.com' }, { login: '/login' }),
            provideRouter([{ path: 'private', component: Private, canActivate: [authGuard] }]),
          ],
        },
        context,
      ),
    { document: '<html><body><tw-app></tw-app></body></html>', url },
  );
  return { html, flows };
}

describe('server rendering with Angular', () => {
  it('shows loading, and creates no session of the app options', async () => {
    const setInterval = vi.spyOn(globalThis, 'setInterval');
    const { html, flows } = await render('/');
    expect(html).toContain('<p id="status">loading</p>');
    expect(flows).toBe(0);
    expect(setInterval).not.toHaveBeenCalled();
  });

  it('renders no protected route, and does not wait for a session that never comes', async () => {
    const { html } = await render('/private');
    expect(html).toContain('<p id="status">loading</p>');
    expect(html).not.toContain('<p>private</p>');
  });
});
