// The page's files: served from the built UI (dist/ui) when it exists, else a small page that
// says the UI is not built. Paths are resolved inside the UI folder only; no directory listings.
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

const placeholder = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>octant-exec</title></head>
<body>
<h1>octant-exec is running</h1>
<p>The web UI is not built yet: run <code>npm run build</code>, then reload this page.</p>
<p>The server works without it: the HTTP API is under <code>/api/v1</code> and the terminal socket at
<code>/api/v1/stream</code>, both described in <code>docs/api.md</code>.</p>
</body>
</html>
`;

/** Pages of the single-page app: each is index.html (or embed.html for /embed when it exists). */
const appPages = new Set(['/', '/index.html', '/embed', '/embed/', '/sessions', '/inspector', '/batches', '/audit', '/share', '/recordings']);

export class StaticUi {
  readonly root: string | undefined;

  constructor(uiDir: string | undefined) {
    this.root = uiDir && existsSync(join(uiDir, 'index.html')) ? resolve(uiDir) : undefined;
  }

  get built(): boolean {
    return this.root !== undefined;
  }

  /** Answers a GET/HEAD for a UI path; false when there is no such file (the caller sends 404). */
  serve(req: IncomingMessage, res: ServerResponse, pathname: string, headers: Record<string, string | string[]>): boolean {
    const head = req.method === 'HEAD';
    if (!this.root) {
      if (!appPages.has(pathname)) return false;
      res.writeHead(200, { ...headers, 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(placeholder), 'Cache-Control': 'no-cache' });
      res.end(head ? undefined : placeholder);
      return true;
    }
    let file: string | undefined;
    if (appPages.has(pathname)) {
      const embed = pathname.startsWith('/embed') && existsSync(join(this.root, 'embed.html'));
      file = join(this.root, embed ? 'embed.html' : 'index.html');
    } else {
      let decoded: string;
      try {
        decoded = decodeURIComponent(pathname);
      } catch {
        return false;
      }
      if (decoded.includes('\0')) return false;
      const candidate = resolve(this.root, '.' + normalize(decoded));
      if (!candidate.startsWith(this.root + sep)) return false;
      file = candidate;
    }
    let size: number;
    try {
      const stat = statSync(file);
      if (!stat.isFile()) return false;
      size = stat.size;
    } catch {
      return false;
    }
    res.writeHead(200, {
      ...headers,
      'Content-Type': contentTypes[extname(file)] ?? 'application/octet-stream',
      'Content-Length': size,
      'Cache-Control': extname(file) === '.html' ? 'no-cache' : 'public, max-age=3600',
    });
    if (head) res.end();
    // pipeline, not pipe: a browser that goes away mid-file must close the file too (pipe would only pause it, its fd held)
    else pipeline(createReadStream(file), res, () => {});
    return true;
  }
}

/** Whether the path is one of the app's pages (a browser navigating, not fetching a file). */
export function isAppPage(pathname: string): boolean {
  return appPages.has(pathname);
}
