// The page's files after an upgrade. The build names app.js, app.css and favicon.svg the same in
// every version (only the lazily loaded chunks/ carry a content hash), while index.html is
// revalidated each load. A browser that may keep app.js for an hour unchecked runs the old page
// against the new server (an old protocol, an old chunk name that is gone: 404). So those files
// must be revalidated, cheaply (a validator and 304), and only the hashed chunks kept long. A
// build written over the files while one is being sent must not break the connection it goes on.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { appendFileSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { StaticUi } from '../../src/server/static-ui.ts';
import { rawExchange } from '../support/raw-http.ts';
import { withTempDir } from '../support/temp-dir.ts';

const test = suite('static files across an upgrade', { deadlineMs: 30_000 });

type Get = (path: string, headers?: Record<string, string>) => Promise<Response>;

/** A server of the UI folder; `afterServe` runs as each request's answer has begun (its headers are written, its file not yet read). */
async function withUi(body: (get: Get, dir: string, port: number) => Promise<void>, afterServe: (dir: string) => void = () => {}): Promise<void> {
  await withTempDir(async (dir) => {
    writeFileSync(join(dir, 'index.html'), '<!doctype html><script type="module" src="/app.js"></script>');
    writeFileSync(join(dir, 'app.js'), 'import("/chunks/player-AAAA.js"); // version 1');
    mkdirSync(join(dir, 'chunks'));
    writeFileSync(join(dir, 'chunks', 'player-AAAA.js'), 'export {};');
    const ui = new StaticUi(dir);
    const server: Server = createServer((req, res) => {
      if (!ui.serve(req, res, new URL(req.url!, 'http://x').pathname, {})) res.writeHead(404).end();
      afterServe(dir);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      // "fetch failed" alone says nothing (one run in a whole suite saw it once): its cause goes with it
      const get = (path: string, headers: Record<string, string> = {}) =>
        fetch(`http://127.0.0.1:${port}${path}`, { headers }).catch((error: Error) => {
          throw new Error(`GET ${path} ${JSON.stringify(headers)}: ${error.message} (${String((error.cause as Error | undefined)?.message ?? error.cause)})`);
        });
      await body(get, dir, port);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
}

/** Whether a browser may reuse the answer without asking the server again (RFC 9111: max-age > 0 and no no-cache). */
function reusableUnchecked(cacheControl: string | null): boolean {
  const directives = (cacheControl ?? '').toLowerCase().split(',').map((d) => d.trim());
  if (directives.includes('no-cache') || directives.includes('no-store')) return false;
  const maxAge = directives.find((d) => d.startsWith('max-age='));
  return maxAge !== undefined && Number(maxAge.slice('max-age='.length)) > 0;
}

test('app.js, app.css and the icon (the same names in every version) are revalidated, never kept unchecked', async () => {
  await withUi(async (get, dir) => {
    writeFileSync(join(dir, 'app.css'), 'body{}');
    writeFileSync(join(dir, 'favicon.svg'), '<svg/>');
    for (const path of ['/app.js', '/app.css', '/favicon.svg', '/', '/index.html']) {
      const res = await get(path);
      await res.arrayBuffer();
      assert.is(res.status, 200, path);
      assert.not.ok(reusableUnchecked(res.headers.get('cache-control')), `${path}: ${res.headers.get('cache-control')}`);
    }
  });
});

test('a revalidation is a 304 while the file is the same, and the new file once it changed (an upgrade)', async () => {
  await withUi(async (get, dir) => {
    const first = await get('/app.js');
    assert.is(await first.text(), 'import("/chunks/player-AAAA.js"); // version 1');
    const etag = first.headers.get('etag');
    assert.ok(etag, 'a validator to revalidate with');
    const same = await get('/app.js', { 'If-None-Match': etag! });
    assert.is(same.status, 304);
    assert.is(await same.text(), '');
    // the upgrade: a new build, written later
    writeFileSync(join(dir, 'app.js'), 'import("/chunks/player-BBBB.js"); // version 2!');
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(dir, 'app.js'), later, later);
    const changed = await get('/app.js', { 'If-None-Match': etag! });
    assert.is(changed.status, 200);
    assert.is(await changed.text(), 'import("/chunks/player-BBBB.js"); // version 2!');
    assert.is.not(changed.headers.get('etag'), etag);
  });
});

test('a HEAD revalidation is a 304 too, and HEAD of a file has no body', async () => {
  await withUi(async (get) => {
    const first = await get('/app.js');
    await first.arrayBuffer();
    const etag = first.headers.get('etag')!;
    assert.ok(etag);
    const res = await fetch(first.url, { method: 'HEAD', headers: { 'If-None-Match': `W/"other", ${etag}` } });
    assert.is(res.status, 304);
  });
});

test('the content-named chunks may be kept for long: their name changes with their bytes', async () => {
  await withUi(async (get) => {
    const res = await get('/chunks/player-AAAA.js');
    assert.is(await res.text(), 'export {};');
    assert.ok(reusableUnchecked(res.headers.get('cache-control')), String(res.headers.get('cache-control')));
  });
});

const twoRequests = 'GET /app.js HTTP/1.1\r\nHost: x\r\n\r\nGET /app.js HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n';

/** The answers in what a connection received, each read by its Content-Length as a browser reads it; what follows one must be the next. */
function answers(received: string): { status: string; body: string }[] {
  const found: { status: string; body: string }[] = [];
  let rest = received;
  while (rest) {
    assert.ok(rest.startsWith('HTTP/1.1 '), `an answer must come next on the connection, not ${JSON.stringify(rest.slice(0, 40))}`);
    const headEnd = rest.indexOf('\r\n\r\n');
    const head = rest.slice(0, headEnd);
    const length = Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1] ?? NaN);
    assert.ok(headEnd > 0 && Number.isSafeInteger(length), `a whole head with a Content-Length: ${JSON.stringify(rest.slice(0, 300))}`);
    found.push({ status: head.slice(9, 12), body: rest.slice(headEnd + 4, headEnd + 4 + length) });
    rest = rest.slice(headEnd + 4 + length);
  }
  return found;
}

test('a file that grows while it is sent: the answer is the bytes its length says, and the next answer on the connection is whole', async () => {
  let grown = false;
  const grow = (dir: string) => {
    if (!grown) appendFileSync(join(dir, 'app.js'), ' // grown');
    grown = true;
  };
  await withUi(async (_get, _dir, port) => {
    const [first, second, ...more] = answers(await rawExchange(port, twoRequests));
    assert.equal(first, { status: '200', body: 'import("/chunks/player-AAAA.js"); // version 1' });
    assert.equal(second, { status: '200', body: 'import("/chunks/player-AAAA.js"); // version 1 // grown' });
    assert.equal(more, []);
  }, grow);
});

test('a file cut shorter while it is sent: the answer is broken off with its connection, never ended short with another after it', async () => {
  let cut = false;
  const cutShort = (dir: string) => {
    if (!cut) writeFileSync(join(dir, 'app.js'), 'cut'); // rewritten in place: the same file, truncated
    cut = true;
  };
  await withUi(async (_get, _dir, port) => {
    const received = await rawExchange(port, twoRequests);
    assert.is(received.split('HTTP/1.1 ').length - 1, 1, `one answer, broken off: ${JSON.stringify(received)}`);
    assert.match(received, /\r\nContent-Length: 46\r\n/);
    assert.ok(received.endsWith('\r\n\r\ncut'), `the bytes there were, then the connection closed: ${JSON.stringify(received)}`);
  }, cutShort);
});

test.run();
