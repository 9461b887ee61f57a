// The page's files after an upgrade. The build names app.js, app.css and favicon.svg the same in
// every version (only the lazily loaded chunks/ carry a content hash), while index.html is
// revalidated each load. A browser that may keep app.js for an hour unchecked runs the old page
// against the new server (an old protocol, an old chunk name that is gone: 404). So those files
// must be revalidated, cheaply (a validator and 304), and only the hashed chunks kept long.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { StaticUi } from '../../src/server/static-ui.ts';
import { withTempDir } from '../support/temp-dir.ts';

const test = suite('static files across an upgrade', { deadlineMs: 30_000 });

async function withUi(body: (get: (path: string, headers?: Record<string, string>) => Promise<Response>, dir: string) => Promise<void>): Promise<void> {
  await withTempDir(async (dir) => {
    writeFileSync(join(dir, 'index.html'), '<!doctype html><script type="module" src="/app.js"></script>');
    writeFileSync(join(dir, 'app.js'), 'import("/chunks/player-AAAA.js"); // version 1');
    mkdirSync(join(dir, 'chunks'));
    writeFileSync(join(dir, 'chunks', 'player-AAAA.js'), 'export {};');
    const ui = new StaticUi(dir);
    const server: Server = createServer((req, res) => {
      if (!ui.serve(req, res, new URL(req.url!, 'http://x').pathname, {})) res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      // "fetch failed" alone says nothing (one run in a whole suite saw it once): its cause goes with it
      const get = (path: string, headers: Record<string, string> = {}) =>
        fetch(`http://127.0.0.1:${port}${path}`, { headers }).catch((error: Error) => {
          throw new Error(`GET ${path} ${JSON.stringify(headers)}: ${error.message} (${String((error.cause as Error | undefined)?.message ?? error.cause)})`);
        });
      await body(get, dir);
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

test.run();
