// WebKit for the browser tests: WebKitGTK's WebKitWebDriver (classic W3C WebDriver over HTTP;
// WebKitGTK 2.50 has no BiDi) behind the part of Playwright's Browser/BrowserContext/Page API
// the tests use, so that no test is written per engine. A context is one WebDriver session (its
// own MiniBrowser with its own ephemeral profile), a page one of its windows.
//
// What classic WebDriver cannot do, the context's proxy (./webdriver-proxy.ts) or the page does:
// - init scripts and a trap for page errors and console.error go first into every HTML
//   document through the proxy; the trap is drained with every later command;
// - waitForRequest / waitForResponse listen to the proxy (any page of the context);
// - setOffline cuts the proxy and tells the pages (navigator.onLine, offline/online events);
// - page.clock shifts or fixes the page's Date (timers are real: the tests only move the clock);
// - route and CDP throw "not supported".
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createServer } from 'node:net';
import type { Browser } from 'playwright-core';
import { ContextProxy, type ProxiedRequest, type ProxiedResponse } from './webdriver-proxy.ts';

class WebDriverError extends Error {}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One WebKitWebDriver process and its one session: a fresh browser profile. */
class Session {
  private queue: Promise<unknown> = Promise.resolve();
  private current: string | undefined;

  private constructor(
    private readonly driver: ChildProcess,
    private readonly base: string,
  ) {}

  static async start(driverPath: string, proxy: string): Promise<Session> {
    const port = await freePort();
    const driver = spawn(driverPath, [`--port=${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    // A worker that dies must not leave the driver (and its browser) behind.
    const reap = () => driver.kill();
    process.once('exit', reap);
    driver.once('exit', () => process.off('exit', reap));
    let log = '';
    driver.stderr.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
    const root = `http://127.0.0.1:${port}`;
    for (let tries = 0; ; tries++) {
      try {
        if ((await fetch(`${root}/status`)).ok) break;
      } catch {
        if (driver.exitCode !== null || tries > 100) throw new Error(`WebKitWebDriver did not start: ${log}`);
        await sleep(50);
      }
    }
    const created = (await (
      await fetch(`${root}/session`, {
        method: 'POST',
        body: JSON.stringify({ capabilities: { alwaysMatch: { proxy: { proxyType: 'manual', httpProxy: proxy, noProxy: [] } } } }),
      })
    ).json()) as { value: { sessionId?: string; message?: string } };
    if (!created.value.sessionId) {
      driver.kill();
      throw new Error(`WebKitWebDriver session: ${created.value.message}`);
    }
    const session = new Session(driver, `${root}/session/${created.value.sessionId}`);
    // Tests bound their own waits; the driver's 30 s script timeout would cut a long evaluate.
    await session.raw('POST', '/timeouts', { script: 300_000, pageLoad: 60_000 });
    return session;
  }

  async raw(method: string, path: string, body?: unknown): Promise<unknown> {
    const payload = body === undefined && method === 'POST' ? {} : body; // a POST must carry a JSON object
    const response = await fetch(this.base + path, { method, body: payload === undefined ? undefined : JSON.stringify(payload) });
    const json = (await response.json()) as { value: { error?: string; message?: string } | null };
    if (!response.ok) throw new WebDriverError(`WebDriver ${method} ${path}: ${json.value?.error}: ${json.value?.message}`);
    return json.value;
  }

  /** One command at a time per session, run in `window` (WebDriver has a single current window). */
  in<T>(window: string | undefined, command: () => Promise<T>): Promise<T> {
    const run = async () => {
      if (window !== undefined && window !== this.current) {
        await this.raw('POST', '/window', { handle: window });
        this.current = window;
      }
      return command();
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  handles(): Promise<string[]> {
    return this.in(undefined, () => this.raw('GET', '/window/handles') as Promise<string[]>);
  }

  /**
   * Closes `window` and makes another open window current (New Window needs one); false, and
   * nothing closed, when it is the last: closing that would end the WebDriver session.
   */
  closeWindow(window: string): Promise<boolean> {
    return this.in(window, async () => {
      const [other] = ((await this.raw('GET', '/window/handles')) as string[]).filter((handle) => handle !== window);
      if (other === undefined) return false;
      await this.raw('DELETE', '/window');
      await this.raw('POST', '/window', { handle: other });
      this.current = other;
      return true;
    });
  }

  async close(): Promise<void> {
    await this.raw('DELETE', '').catch(() => undefined);
    this.driver.kill();
  }
}

/** Installed by the first script in each document; drained by every script after it. */
const TRAP = `if (!window.__twTrap) {
  const q = (window.__twTrap = []);
  addEventListener('error', (e) => q.push(['pageerror', (e.error && e.error.stack) || e.message]));
  addEventListener('unhandledrejection', (e) => q.push(['pageerror', String((e.reason && e.reason.stack) || e.reason)]));
  const error = console.error;
  console.error = function (...args) { q.push(['console', args.map(String).join(' ')]); return error.apply(this, args); };
}`;

// An evaluate must not hold the session: WebDriver runs one command at a time, and a test may
// wait on one tab's promise while it drives another (or closes the tab under it). So START runs
// the function and, if it returns a promise, parks it in the page under an id and answers at
// once; POLL collects it later. Values come back as WebDriver serializes them (JSON-like);
// `undefined` is kept apart from null as Playwright does. Elements wanted as WebDriver
// references (a locator's click) come nested in an object. A document that navigated away or
// closed loses its parked promises: the evaluate then fails, as Playwright's does.
// The source goes into the script text itself, which WebDriver compiles: no eval in the page,
// so a Content-Security-Policy without 'unsafe-eval' (the server's 404 pages) does not stop it.
const start = (source: string, isFunction: boolean) => `const [arg, id] = arguments;
${TRAP}
const pending = (window.__twPending ??= {});
// A node or window returned as such has no JSON form (WebDriver would fail on the document
// itself): the test gets undefined, as Playwright gives for what it cannot serialize.
// WebDriver sends an object's undefined property as null; Playwright keeps it undefined (absent
// to toEqual), so plain objects lose theirs on the way out.
const strip = (v) => Array.isArray(v) ? v.map(strip) : v !== null && typeof v === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(v))
  ? Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, strip(x)])) : v;
const settle = (r) => { const v = r instanceof Node || r === window ? undefined : strip(r); return { ok: true, undef: v === undefined, value: v === undefined ? null : v }; };
const fail = (e) => ({ ok: false, error: String(e) + (e && e.stack ? '\\n' + e.stack : '') });
let result;
try {
  result = ${isFunction ? `(${source})(arg)` : `(${source})`};
} catch (e) {
  return { ...fail(e), events: window.__twTrap.splice(0), href: location.href };
}
if (!result || typeof result.then !== 'function') return { ...settle(result), events: window.__twTrap.splice(0), href: location.href };
pending[id] = null;
result.then((v) => (pending[id] = settle(v)), (e) => (pending[id] = fail(e)));
return { parked: true, events: window.__twTrap.splice(0), href: location.href };`;

const POLL = `const [id] = arguments;
const pending = window.__twPending;
const done = pending && pending[id];
if (done) delete pending[id];
return { lost: !pending || !(id in pending || done), ...(done || { parked: true }), events: window.__twTrap ? window.__twTrap.splice(0) : [], href: location.href };`;

let evaluations = 0;

interface Evaluated {
  parked?: boolean;
  lost?: boolean;
  ok?: boolean;
  undef?: boolean;
  value?: unknown;
  error?: string;
  events: [string, string][];
  href: string;
}

type PageFunction = string | ((arg: never) => unknown);

interface WaitOptions {
  timeout?: number;
  polling?: number | 'raf';
}

class TimeoutError extends Error {
  override name = 'TimeoutError';
}

async function until<T>(what: string, timeout: number, interval: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new TimeoutError(`${what}: Timeout ${timeout}ms exceeded`);
    await sleep(interval);
  }
}

type TextMatch = string | RegExp;

/** A text match as it crosses into the page: a regular expression's parts, or a string. */
const textArg = (text: TextMatch | undefined) => (text instanceof RegExp ? { re: text.source, flags: text.flags } : text === undefined ? null : { s: text });

/**
 * The elements a selector and a text filter match, in the page, Playwright's way: a string
 * matches a case-insensitive substring of the whitespace-normalized text, a RegExp the text;
 * `text=...` (`text="..."`: exactly) selects the innermost elements whose text matches.
 */
const MATCH = `([selector, hasText, nth]) => {
  const normal = (t) => t.replace(/\\s+/g, ' ').trim();
  const test = (m, e) => {
    const text = e.textContent || '';
    if (m.re !== undefined) return new RegExp(m.re, m.flags).test(text);
    if (m.exact) return normal(text) === m.s;
    return normal(text).toLowerCase().includes(normal(m.s).toLowerCase());
  };
  let els;
  if (selector.startsWith('text=')) {
    const raw = selector.slice(5);
    const quoted = /^(["']).*\\1$/.test(raw);
    const m = quoted ? { s: raw.slice(1, -1), exact: true } : { s: raw };
    const all = [...document.body.querySelectorAll('*')].filter((e) => test(m, e));
    els = all.filter((e) => !all.some((o) => o !== e && e.contains(o)));
  } else els = [...document.querySelectorAll(selector)];
  if (hasText) els = els.filter((e) => test(hasText, e));
  if (nth != null) els = els.slice(nth, nth + 1);
  return els;
}`;

class WebKitLocator {
  constructor(
    private readonly page: WebKitPage,
    private readonly selector: string,
    private readonly hasText?: TextMatch,
    private readonly nth?: number,
  ) {}

  filter(options: { hasText?: TextMatch }): WebKitLocator {
    return new WebKitLocator(this.page, this.selector, options.hasText ?? this.hasText, this.nth);
  }

  first(): WebKitLocator {
    return new WebKitLocator(this.page, this.selector, this.hasText, 0);
  }

  /** Runs `body` over the matching elements (an array `els`) in the page. */
  private query(body: string): Promise<unknown> {
    const source = `(args) => { const els = (${MATCH})(args); ${body} }`;
    return this.page.run(source, true, [this.selector, textArg(this.hasText), this.nth ?? null]);
  }

  /** Waits for the first match, then runs `body` with it as `el`. */
  private async one<T>(body: string, timeout = 30_000): Promise<T> {
    const result = await until(`locator(${this.selector}).waitFor`, timeout, 100, async () => {
      const r = (await this.query(`const el = els[0]; if (!el) return undefined; return { v: (() => { ${body} })() };`)) as { v: T } | undefined;
      return r ?? undefined;
    });
    return result.v;
  }

  async waitFor(options: { timeout?: number } = {}): Promise<void> {
    await this.one('return null;', options.timeout);
  }

  count(): Promise<number> {
    return this.query('return els.length;') as Promise<number>;
  }

  allTextContents(): Promise<string[]> {
    return this.query('return els.map((e) => e.textContent);') as Promise<string[]>;
  }

  textContent(): Promise<string | null> {
    return this.one('return el.textContent;');
  }

  innerText(): Promise<string> {
    return this.one('return el.innerText;');
  }

  /**
   * A real click through WebDriver (the element comes back as a WebDriver reference): a user
   * gesture, so that window.open is not blocked as a popup. Retried, as Playwright's actionability
   * wait does, while the element is covered or not yet interactable.
   */
  async click(options: { timeout?: number } = {}): Promise<void> {
    const session = this.page.ctx.session;
    await until(`locator(${this.selector}).click`, options.timeout ?? 30_000, 100, async () => {
      const element = await this.one<Record<string, string>>('return el;', options.timeout);
      const id = Object.values(element)[0];
      try {
        await session.in(this.page.handle, () => session.raw('POST', `/element/${id}/click`));
        return true;
      } catch (error) {
        if (/click intercepted|not interactable|stale element/.test(String(error))) return undefined;
        throw error;
      }
    });
  }

  async fill(value: string): Promise<void> {
    // The native setter, then `input`: what typing does, so React's and Vue's bindings see it.
    await this.one(`const proto = el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
      Object.getOwnPropertyDescriptor(proto, 'value').set.call(el, ${JSON.stringify(value)});
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
      return null;`);
  }
}

/**
 * Playwright's clock, as far as the tests use it: Date (and Date.now) shifted by an offset or
 * fixed at a time, in this document and, through an init script, in the ones loaded after.
 */
const CLOCK = `(state) => {
  const clock = (window.__twClock ??= { offset: 0, fixed: null });
  Object.assign(clock, state.set);
  if (window.__twRealNow) return;
  const Real = Date;
  window.__twRealNow = () => Real.now();
  const now = () => clock.fixed ?? Real.now() + clock.offset;
  window.Date = class extends Real {
    constructor(...args) { if (args.length === 0) super(now()); else super(...args); }
    static now() { return now(); }
  };
}`;

class WebKitClock {
  constructor(private readonly page: WebKitPage) {}

  private async apply(state: { set?: { offset?: number; fixed?: number | null } }): Promise<void> {
    this.page.ctx.addScript(CLOCK, state, this.page.handle);
    await this.page.run(CLOCK, true, state);
  }

  async install(options: { time?: number | Date } = {}): Promise<void> {
    await this.setSystemTime(options.time ?? Date.now());
  }

  async setSystemTime(time: number | Date): Promise<void> {
    // The offset against the real clock, fixed now, so that a reload keeps the same time line.
    await this.apply({ set: { offset: Number(time) - Date.now(), fixed: null } });
  }

  async setFixedTime(time: number | Date): Promise<void> {
    await this.apply({ set: { fixed: Number(time) } });
  }
}

function unsupported(what: string): never {
  throw new Error(`${what} is not supported by the WebKit (classic WebDriver) adapter`);
}

class WebKitPage extends EventEmitter {
  private closed = false;
  readonly clock = new WebKitClock(this);
  /** The URL as of the last command: Playwright's url() is synchronous, WebDriver's is not. */
  private href = 'about:blank';
  /** Real pointer input through WebDriver actions, as Playwright's mouse gives. */
  readonly mouse = {
    move: async (x: number, y: number): Promise<void> => {
      const actions = [
        { type: 'pointer', id: 'mouse', parameters: { pointerType: 'mouse' }, actions: [{ type: 'pointerMove', x: Math.round(x), y: Math.round(y) }] },
      ];
      await this.session().in(this.handle, () => this.session().raw('POST', '/actions', { actions }));
    },
  };

  constructor(
    readonly ctx: WebKitContext,
    readonly handle: string,
  ) {
    super();
  }

  private session(): Session {
    return this.ctx.session;
  }

  context(): WebKitContext {
    return this.ctx;
  }

  isClosed(): boolean {
    return this.closed;
  }

  private emitEvents(events: [string, string][]): void {
    for (const [kind, text] of events) {
      if (kind === 'pageerror') {
        const error = new Error(text.split('\n')[0]);
        error.stack = text;
        this.emit('pageerror', error);
      } else this.emit('console', { type: () => 'error', text: () => text });
    }
  }

  evaluate(fn: PageFunction, arg?: unknown): Promise<unknown> {
    return typeof fn === 'function' ? this.run(fn.toString(), true, arg) : this.run(fn, false, arg);
  }

  /** `source` is a function's source (called with `arg`) or an expression. */
  async run(source: string, isFunction: boolean, arg: unknown): Promise<unknown> {
    const id = `e${++evaluations}`;
    let result = await this.command(start(source, isFunction), [arg ?? null, id]);
    while (result.parked) {
      await sleep(25);
      if (this.closed) throw new Error('page.evaluate: Target page, context or browser has been closed');
      result = await this.command(POLL, [id]);
      if (result.lost) throw new Error('page.evaluate: Execution context was destroyed, most likely because of a navigation');
    }
    if (!result.ok) throw new Error(`page.evaluate: ${result.error}`);
    return result.undef ? undefined : result.value;
  }

  private async command(script: string, args: unknown[]): Promise<Evaluated> {
    const session = this.session();
    const result = (await session.in(this.handle, () => session.raw('POST', '/execute/sync', { script, args }))) as Evaluated;
    this.href = result.href;
    this.emitEvents(result.events);
    return result;
  }

  async waitForFunction(fn: PageFunction, arg?: unknown, options: WaitOptions = {}): Promise<{ jsonValue(): Promise<unknown>; dispose(): Promise<void> }> {
    const interval = typeof options.polling === 'number' ? Math.max(options.polling, 50) : 100;
    const value = await until('page.waitForFunction', options.timeout ?? 30_000, interval, async () => {
      const v = await this.evaluate(fn, arg);
      return v ? { v } : undefined;
    });
    return { jsonValue: async () => value.v, dispose: async () => undefined };
  }

  /** The proxy picks this page's init scripts by window.name, which lasts across navigations. */
  private async afterNavigation(): Promise<void> {
    await this.evaluate(`void (window.name = ${JSON.stringify(this.handle)})`);
  }

  async goto(url: string): Promise<null> {
    // A navigation to another origin clears window.name: with init scripts of its own, the page
    // first goes to a throwaway URL of the target origin to be named there.
    if (this.ctx.hasScripts(this.handle) && new URL(this.href).origin !== new URL(url).origin) await this.navigate(`${new URL(url).origin}/__webdriver_name__`);
    await this.navigate(url);
    return null;
  }

  private async navigate(url: string): Promise<void> {
    await this.session().in(this.handle, () => this.session().raw('POST', '/url', { url }));
    this.href = url;
    await this.afterNavigation();
  }

  async reload(): Promise<null> {
    await this.session().in(this.handle, () => this.session().raw('POST', '/refresh'));
    await this.afterNavigation();
    return null;
  }

  async waitForTimeout(ms: number): Promise<void> {
    await sleep(ms);
  }

  async waitForLoadState(): Promise<void> {
    await until('page.waitForLoadState', 30_000, 50, async () => ((await this.evaluate('document.readyState')) === 'complete' ? true : undefined));
  }

  async currentUrl(): Promise<string> {
    this.href = (await this.session().in(this.handle, () => this.session().raw('GET', '/url'))) as string;
    return this.href;
  }

  url(): string {
    return this.href;
  }

  async waitForURL(want: string | ((url: URL) => boolean), options: { timeout?: number } = {}): Promise<void> {
    const matches = typeof want === 'function' ? want : (url: URL) => globToRegExp(want).test(url.href);
    let last: string | undefined;
    await until('page.waitForURL', options.timeout ?? 30_000, 100, async () => {
      const href = (last = await this.currentUrl().catch(() => last));
      return href !== undefined && matches(new URL(href)) ? true : undefined;
    }).catch((error: unknown) => {
      // The URL it was left on says which step went wrong: polling can miss a URL the page soon rewrites.
      if (error instanceof TimeoutError) error.message += ` (last URL: ${last ?? 'none'})`;
      throw error;
    });
  }

  locator(selector: string, options: { hasText?: TextMatch } = {}): WebKitLocator {
    return new WebKitLocator(this, selector, options.hasText);
  }

  click(selector: string): Promise<void> {
    return this.locator(selector).click();
  }

  fill(selector: string, value: string): Promise<void> {
    return this.locator(selector).fill(value);
  }

  textContent(selector: string): Promise<string | null> {
    return this.locator(selector).textContent();
  }

  innerText(selector: string): Promise<string> {
    return this.locator(selector).innerText();
  }

  route(): Promise<never> {
    return unsupported('page.route');
  }

  async addInitScript(script: PageFunction, arg?: unknown): Promise<void> {
    this.ctx.addScript(script, arg, this.handle);
    await this.afterNavigation();
  }

  waitForResponse(predicate: (response: ProxiedResponse) => boolean | Promise<boolean>, options: { timeout?: number } = {}): Promise<ProxiedResponse> {
    return this.ctx.waitForTraffic('response', predicate, options.timeout);
  }

  waitForRequest(predicate: (request: ProxiedRequest) => boolean | Promise<boolean>, options: { timeout?: number } = {}): Promise<ProxiedRequest> {
    return this.ctx.waitForTraffic('request', predicate, options.timeout);
  }

  async screenshot(options: { path?: string } = {}): Promise<Buffer> {
    const base64 = (await this.session().in(this.handle, () => this.session().raw('GET', '/screenshot'))) as string;
    const png = Buffer.from(base64, 'base64');
    if (options.path) (await import('node:fs')).writeFileSync(options.path, png);
    return png;
  }

  async bringToFront(): Promise<void> {
    await this.session().in(this.handle, async () => undefined);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const session = this.session();
    if (!(await session.closeWindow(this.handle))) {
      // The last window stays, on a blank page (its document unloaded as a closed tab's), for the next page.
      await session.in(this.handle, () => session.raw('POST', '/url', { url: 'about:blank' }));
      this.ctx.reuse(this.handle);
    }
    this.ctx.pages.delete(this);
    this.emit('close');
  }
}

/** Playwright's URL glob: `*` within a path segment, `**` across them. */
function globToRegExp(glob: string): RegExp {
  const escaped = glob
    .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
    .split('**')
    .map((part) => part.replace(/\*/g, '[^/]*'))
    .join('.*');
  return new RegExp(`^${escaped}$`);
}

/** Where the reference server sets cookies: '/' (CSRF, cookie mode) and '/auth' (the refresh cookie). */
const COOKIE_FOLDERS = ['/', '/auth/'];

interface CookieParam {
  name: string;
  value: string;
  url?: string;
  domain?: string;
  path?: string;
  expires?: number;
  httpOnly?: boolean;
  secure?: boolean;
  sameSite?: 'Strict' | 'Lax' | 'None';
}

class WebKitContext extends EventEmitter {
  readonly pages = new Set<WebKitPage>();
  /** Init scripts as source, by window handle ('' for the whole context). */
  private readonly scripts = new Map<string, string[]>();
  /** The window the session starts with, handed to the first newPage(). */
  private spare: string | undefined;
  private scratch: string | undefined;

  session!: Session;
  proxy!: ContextProxy;

  static async create(driverPath: string): Promise<WebKitContext> {
    const context = new WebKitContext();
    context.proxy = await ContextProxy.start(() => context.head());
    try {
      context.session = await Session.start(driverPath, context.proxy.address);
    } catch (error) {
      await context.proxy.close();
      throw error;
    }
    [context.spare] = await context.session.handles();
    return context;
  }

  /** A closed page's window, kept open (see WebKitPage.close) for the next newPage(), without that page's scripts. */
  reuse(handle: string): void {
    this.scripts.delete(handle);
    this.spare = handle;
  }

  /** What the proxy puts first into each HTML document: the error trap, then the init scripts. */
  private head(): string {
    const each = (sources: string[]) => sources.map((source) => `try { ${source} } catch (e) { console.error(e); }`).join('\n');
    const byPage = [...this.scripts]
      .filter(([handle]) => handle !== '')
      .map(([handle, sources]) => `if (window.name === ${JSON.stringify(handle)}) { ${each(sources)} }`);
    return [TRAP, each(this.scripts.get('') ?? []), ...byPage].join('\n');
  }

  hasScripts(handle: string): boolean {
    return this.scripts.has(handle);
  }

  /** `script` is a function, or the source of one when `arg` is given, else an expression. */
  addScript(script: PageFunction, arg: unknown, handle = ''): void {
    const source = typeof script === 'function' || arg !== undefined ? `(${script.toString()})(${JSON.stringify(arg ?? null)});` : script;
    this.scripts.set(handle, [...(this.scripts.get(handle) ?? []), source]);
  }

  async addInitScript(script: PageFunction, arg?: unknown): Promise<void> {
    this.addScript(script, arg);
  }

  waitForTraffic<T>(event: 'request' | 'response', predicate: (item: T) => boolean | Promise<boolean>, timeout = 30_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.proxy.off(event, listener);
        reject(new TimeoutError(`waitFor ${event}: Timeout ${timeout}ms exceeded`));
      }, timeout);
      const listener = (item: T) => {
        void Promise.resolve(predicate(item)).then((matches) => {
          if (!matches) return;
          clearTimeout(timer);
          this.proxy.off(event, listener);
          resolve(item);
        }, reject);
      };
      this.proxy.on(event, listener);
    });
  }

  async newPage(): Promise<WebKitPage> {
    let handle = this.spare;
    this.spare = undefined;
    if (handle === undefined) {
      const created = (await this.session.in(undefined, () => this.session.raw('POST', '/window/new', { type: 'window' }))) as { handle: string };
      handle = created.handle;
    }
    const page = new WebKitPage(this, handle);
    this.pages.add(page);
    this.emit('page', page);
    return page;
  }

  /**
   * WebDriver reads and writes only the cookies of the current document's URL, path included,
   * so cookies go through a scratch window (never listed as a page) sent to a 404 under the
   * path wanted: `url`'s folder, or for all cookies each folder the reference server uses.
   */
  private async scratchAt(origin: string, folder: string): Promise<string> {
    if (this.scratch === undefined) {
      const created = (await this.session.in(undefined, () => this.session.raw('POST', '/window/new', { type: 'tab' }))) as { handle: string };
      this.scratch = created.handle;
    }
    const handle = this.scratch;
    await this.session.in(handle, () => this.session.raw('POST', '/url', { url: `${origin}${folder}__webdriver_cookie_jar__` }));
    return handle;
  }

  private async origins(): Promise<string[]> {
    const urls = await Promise.all([...this.pages].map((page) => page.currentUrl()));
    return [...new Set(urls.filter((url) => url.startsWith('http')).map((url) => new URL(url).origin))];
  }

  async cookies(urls?: string | string[]): Promise<unknown[]> {
    const places: [string, string][] = [];
    if (urls === undefined) for (const origin of await this.origins()) for (const folder of COOKIE_FOLDERS) places.push([origin, folder]);
    else for (const url of Array.isArray(urls) ? urls : [urls]) places.push([new URL(url).origin, new URL(url).pathname.replace(/[^/]*$/, '')]);
    const found = new Map<string, unknown>();
    for (const [origin, folder] of places) {
      const handle = await this.scratchAt(origin, folder);
      const cookies = (await this.session.in(handle, () => this.session.raw('GET', '/cookie'))) as (CookieParam & { expiry?: number })[];
      for (const { expiry, ...cookie } of cookies) found.set(`${cookie.domain} ${cookie.path} ${cookie.name}`, { ...cookie, expires: expiry ?? -1 });
    }
    return [...found.values()];
  }

  async clearCookies(filter: { name?: string } = {}): Promise<void> {
    const path = filter.name === undefined ? '/cookie' : `/cookie/${encodeURIComponent(filter.name)}`;
    for (const origin of await this.origins())
      for (const folder of COOKIE_FOLDERS) {
        const handle = await this.scratchAt(origin, folder);
        await this.session.in(handle, () => this.session.raw('DELETE', path));
      }
  }

  async addCookies(cookies: CookieParam[]): Promise<void> {
    for (const { url, expires, ...cookie } of cookies) {
      const at = new URL(url ?? `http://${cookie.domain}${cookie.path ?? '/'}`);
      // The page's port is not in a cookie's domain: take it from a page of this context on that host.
      const origin = url ? at.origin : ((await this.origins()).find((o) => new URL(o).hostname === at.hostname) ?? at.origin);
      const handle = await this.scratchAt(origin, (cookie.path ?? at.pathname).replace(/[^/]*$/, '') || '/');
      const body = { path: '/', ...cookie, ...(expires !== undefined && expires > 0 ? { expiry: Math.floor(expires) } : {}) };
      await this.session.in(handle, () => this.session.raw('POST', '/cookie', { cookie: body }));
    }
  }

  async waitForEvent(event: 'page', options: { timeout?: number } = {}): Promise<WebKitPage> {
    if (event !== 'page') unsupported(`context.waitForEvent(${String(event)})`);
    const known = new Set([...this.pages].map((page) => page.handle));
    const handle = await until('context.waitForEvent(page)', options.timeout ?? 30_000, 100, async () =>
      (await this.session.handles()).find((h) => !known.has(h)),
    );
    const page = new WebKitPage(this, handle);
    this.pages.add(page);
    this.emit('page', page);
    return page;
  }

  /** No network through the proxy, and the pages told so as a browser tells them. */
  async setOffline(offline: boolean): Promise<void> {
    this.proxy.offline = offline;
    await Promise.all(
      [...this.pages].map((page) =>
        page.evaluate((off: boolean) => {
          Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => !off });
          dispatchEvent(new Event(off ? 'offline' : 'online'));
        }, offline as never),
      ),
    );
  }

  newCDPSession(): Promise<never> {
    return unsupported('CDP');
  }

  async close(): Promise<void> {
    await this.session.close();
    await this.proxy.close();
    this.emit('close');
  }
}

class WebKitBrowser extends EventEmitter {
  private readonly contexts = new Set<WebKitContext>();

  constructor(private readonly driverPath: string) {
    super();
  }

  version(): string {
    return 'WebKitGTK';
  }

  async newContext(): Promise<WebKitContext> {
    const context = await WebKitContext.create(this.driverPath);
    this.contexts.add(context);
    context.once('close', () => this.contexts.delete(context));
    return context;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.contexts].map((context) => context.close()));
    this.emit('disconnected');
  }
}

/**
 * A WebKit "browser": each newContext() starts its own WebKitWebDriver and MiniBrowser. Typed
 * as Playwright's Browser so that the tests stay engine-neutral; what it does not implement
 * throws, naming the call.
 */
export async function launchWebKit(driverPath: string): Promise<Browser> {
  if (!process.env.DISPLAY) throw new Error('WebKitGTK needs an X display: run under xvfb-run (npm run test:engines does)');
  return new WebKitBrowser(driverPath) as unknown as Browser;
}
