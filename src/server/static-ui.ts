// The page's files: served from the built UI (dist/ui) when it exists, else a small page that
// says the UI is not built. Paths are resolved inside the UI folder only; no directory listings.
// The build gives app.js, app.css and favicon.svg the same names in every version: a browser
// that kept them unchecked after an upgrade would run the old page against the new server (and
// ask for chunks that are gone). So they are revalidated at each load (an ETag, then a 304),
// and only chunks/, named by a hash of their bytes, are kept for long.
import { closeSync, createReadStream, existsSync, fstatSync, openSync, statSync } from 'node:fs';
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

/** the folder where the build puts what it names by a hash of its content (scripts/build-ui.ts, chunkNames) */
const CONTENT_NAMED = 'chunks';

/** what #find gives for a page while the UI is not built: the placeholder page */
const PLACEHOLDER = '';

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

  /** Whether the path names a page or a file here: another method there is a 405, elsewhere a 404. */
  has(pathname: string): boolean {
    return this.#find(pathname) !== undefined || pageWithSlash(pathname) !== undefined;
  }

  /** Answers a GET/HEAD for a UI path; false when there is no such file (the caller sends 404). */
  serve(req: IncomingMessage, res: ServerResponse, pathname: string, headers: Record<string, string | string[]>): boolean {
    const head = req.method === 'HEAD';
    const page = pageWithSlash(pathname);
    if (page) {
      // relative, so that it holds behind a proxy that serves the app under a path of its own
      const query = req.url?.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
      res.writeHead(308, { ...headers, Location: `../${page}${query}`, 'Content-Length': 0 });
      res.end();
      return true;
    }
    const file = this.#find(pathname);
    if (file === undefined) return false;
    if (file === PLACEHOLDER) {
      res.writeHead(200, { ...headers, 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(placeholder), 'Cache-Control': 'no-cache' });
      res.end(head ? undefined : placeholder);
      return true;
    }
    const opened = openWithTag(file);
    if (!opened) return false; // gone since it was found
    const { fd, size, etag } = opened;
    // the file found, not the path asked for: /chunks/..%2Fapp.js is app.js
    const cacheControl = file.startsWith(join(this.root!, CONTENT_NAMED) + sep) ? 'public, max-age=31536000, immutable' : 'no-cache';
    if (matches(req.headers['if-none-match'], etag)) {
      closeSync(fd);
      res.writeHead(304, { ...headers, ETag: etag, 'Cache-Control': cacheControl });
      res.end();
      return true;
    }
    res.writeHead(200, {
      ...headers,
      'Content-Type': contentTypes[extname(file)] ?? 'application/octet-stream',
      'Content-Length': size,
      'Cache-Control': cacheControl,
      ETag: etag,
    });
    if (head || size === 0) {
      closeSync(fd);
      res.end();
      return true;
    }
    // Exactly the bytes the Content-Length promised. More (the file grew while it was read) would
    // be read by the browser as the start of its next answer on the connection; fewer (cut short)
    // would keep it waiting on bytes that never come: the answer is broken off, its connection
    // closed, which the browser reports as a failed load.
    const body = createReadStream('', { fd, start: 0, end: size - 1 });
    body.once('end', () => {
      if (body.bytesRead < size) res.destroy();
    });
    // pipeline, not pipe: a browser that goes away mid-file must close the file too (pipe would only pause it, its fd held)
    pipeline(body, res, () => {});
    return true;
  }

  /** The file a path names inside the UI folder (PLACEHOLDER when the UI is not built), or undefined. */
  #find(pathname: string): string | undefined {
    if (!this.root) return appPages.has(pathname) ? PLACEHOLDER : undefined;
    if (appPages.has(pathname)) {
      const embed = pathname.startsWith('/embed') && existsSync(join(this.root, 'embed.html'));
      return join(this.root, embed ? 'embed.html' : 'index.html');
    }
    // a file's name never ends in a slash: /app.js/ is no file (resolve would drop the slash)
    if (pathname.endsWith('/')) return undefined;
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return undefined;
    }
    if (decoded.includes('\0')) return undefined;
    const candidate = resolve(this.root, '.' + normalize(decoded));
    if (!candidate.startsWith(this.root + sep)) return undefined;
    try {
      return statSync(candidate).isFile() ? candidate : undefined;
    } catch {
      return undefined;
    }
  }
}

/**
 * The file opened, with its size and tag read from the open file (undefined when it is gone): a
 * build written over it meanwhile (an upgrade in place) then changes neither what the answer says
 * nor which file it sends. The caller closes `fd`.
 */
function openWithTag(file: string): { fd: number; size: number; etag: string } | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const { size, mtimeMs } = fstatSync(fd);
    return { fd, size, etag: `W/"${size.toString(16)}-${Math.floor(mtimeMs).toString(16)}"` };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/** If-None-Match against the file's tag, compared weakly as RFC 9110 13.1.2 says for this header. */
function matches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === opaque(etag));
}

/** A page's name when the path is that page with a slash after it (/sessions/, a link typed by hand), else undefined. */
function pageWithSlash(pathname: string): string | undefined {
  const page = pathname.slice(0, -1);
  // one name after the root (`../NAME` resolves from it): /embed// is no page
  return pathname.endsWith('/') && !appPages.has(pathname) && appPages.has(page) && page !== '/' && !page.endsWith('/') ? page.slice(1) : undefined;
}

/** Whether the path is one of the app's pages (a browser navigating, not fetching a file). */
export function isAppPage(pathname: string): boolean {
  return appPages.has(pathname);
}
