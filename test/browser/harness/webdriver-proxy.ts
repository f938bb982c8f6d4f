// The WebKit adapter's window on the network. Classic WebDriver has no network events, no init
// scripts and no offline switch, but it does take a proxy: each WebKit context sends its HTTP
// through one of these, on 127.0.0.1, which
// - puts the context's init scripts (addInitScript) at the top of every HTML document, so they
//   run before the page's own scripts, as Playwright's do;
// - reports every request and response (waitForRequest / waitForResponse);
// - cuts every request while the context is offline (setOffline).
import { EventEmitter } from 'node:events';
import { createServer, request as forward, type IncomingHttpHeaders, type Server } from 'node:http';

export interface ProxiedRequest {
  url(): string;
  method(): string;
  allHeaders(): Promise<IncomingHttpHeaders>;
}

export interface ProxiedResponse {
  url(): string;
  status(): number;
  headers(): IncomingHttpHeaders;
  allHeaders(): Promise<IncomingHttpHeaders>;
  text(): Promise<string>;
  json(): Promise<unknown>;
}

export class ContextProxy extends EventEmitter {
  offline = false;
  private constructor(
    private readonly server: Server,
    /** The script put first into every HTML document, recomputed per response. */
    private readonly head: () => string,
  ) {
    super();
  }

  static async start(head: () => string): Promise<ContextProxy> {
    const server = createServer();
    const proxy = new ContextProxy(server, head);
    server.on('request', (req, res) => {
      const url = req.url ?? '';
      if (proxy.offline || !url.startsWith('http://')) {
        req.socket.destroy();
        return;
      }
      proxy.emit('request', { url: () => url, method: () => req.method ?? 'GET', allHeaders: async () => req.headers } satisfies ProxiedRequest);
      const target = new URL(url);
      // No compression: an HTML document is rewritten, and the bodies are read back as text.
      // No revalidation either: a document's head is the context's as of this response, so the
      // browser must never reuse a copy that carried older init scripts.
      const headers = { ...req.headers };
      delete headers['accept-encoding'];
      delete headers['if-none-match'];
      delete headers['if-modified-since'];
      delete headers['proxy-connection'];
      const upstream = forward({ host: target.hostname, port: target.port, path: target.pathname + target.search, method: req.method, headers }, (answer) => {
        const chunks: Buffer[] = [];
        const html = (answer.headers['content-type'] ?? '').startsWith('text/html');
        const outHeaders = { ...answer.headers };
        if (html) {
          delete outHeaders['content-length'];
          delete outHeaders.etag;
          delete outHeaders['last-modified'];
          outHeaders['cache-control'] = 'no-store';
        }
        res.writeHead(answer.statusCode ?? 502, outHeaders);
        answer.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          if (!html) res.write(chunk);
        });
        answer.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          res.end(html ? injectHead(body, proxy.head()) : undefined);
          proxy.emit('response', {
            url: () => url,
            status: () => answer.statusCode ?? 0,
            headers: () => answer.headers,
            allHeaders: async () => answer.headers,
            text: async () => body,
            json: async () => JSON.parse(body) as unknown,
          } satisfies ProxiedResponse);
        });
        // A connection the server cuts is cut for the page too: a network error, as without us.
        answer.on('error', () => res.destroy());
      });
      upstream.on('error', () => res.destroy());
      res.on('close', () => {
        if (!res.writableFinished) upstream.destroy();
      });
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get address(): string {
    const { port } = this.server.address() as { port: number };
    return `127.0.0.1:${port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function injectHead(html: string, script: string): string {
  const tag = `<script>${script.replace(/<\/script/gi, '<\\/script')}</script>`;
  const head = /<head[^>]*>/i.exec(html);
  if (head) return html.slice(0, head.index + head[0].length) + tag + html.slice(head.index + head[0].length);
  return tag + html;
}
