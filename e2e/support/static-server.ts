/**
 * A tiny static file server for e2e pages: GET/HEAD only, a few content types, no caching,
 * no directory listings, nothing outside the mounted folders.
 */
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/** Options of `startStaticServer`. */
export interface StaticServerOptions {
  /** URL prefix (starting and ending with `/`) → folder served under it. */
  readonly mounts: Readonly<Record<string, string>>;
  /** Prefixes whose unknown paths get their `index.html` (single-page apps). */
  readonly spaFallback?: readonly string[];
  readonly host?: string;
  /** 0 (default): an ephemeral port. */
  readonly port?: number;
}

/** A listening static server. */
export interface StaticServer {
  /** `http://host:port` (no trailing slash). */
  readonly baseURL: string;
  close(): Promise<void>;
}

/** Serves the mounted folders; resolves once listening. */
export async function startStaticServer(options: StaticServerOptions): Promise<StaticServer> {
  const mounts = Object.entries(options.mounts)
    .map(([prefix, dir]) => [prefix, resolve(dir)] as const)
    .sort((a, b) => b[0].length - a[0].length);
  const host = options.host ?? '127.0.0.1';

  const fileFor = (pathname: string): string | undefined => {
    const mount = mounts.find(([prefix]) => pathname.startsWith(prefix));
    if (!mount) return undefined;
    const [prefix, root] = mount;
    const rel = normalize(decodeURIComponent(pathname.slice(prefix.length)) || 'index.html');
    const file = join(root, rel);
    if (file !== root && !file.startsWith(root + sep)) return undefined;
    const isFile = (f: string) => {
      try {
        return statSync(f).isFile();
      } catch {
        return false;
      }
    };
    if (isFile(file)) return file;
    if (isFile(join(file, 'index.html'))) return join(file, 'index.html');
    if (options.spaFallback?.includes(prefix) && !extname(rel)) return join(root, 'index.html');
    return undefined;
  };

  const server = createServer((req, res) => {
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405).end();
        return;
      }
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname === '/favicon.ico') {
        res.writeHead(204).end();
        return;
      }
      const file = fileFor(url.pathname);
      if (!file) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      // `?permissionsPolicy=display-capture=()`: the page runs without a capability, as a site may.
      const policy = url.searchParams.get('permissionsPolicy');
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
        ...(policy ? { 'permissions-policy': policy } : {}),
      });
      if (req.method === 'HEAD') res.end();
      else createReadStream(file).pipe(res);
    } catch {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    }
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, host, () => ok());
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}
