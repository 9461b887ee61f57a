// The page's files as StaticUi serves them: a file goes out whole, and a browser that goes away in
// the middle of a large one leaves no file open on the server (a tab closed during a load, a
// download cut: each would otherwise hold a descriptor for as long as the server runs).
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { StaticUi } from '../../src/server/static-ui.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { waitFor } from '../support/wait.ts';

/** Descriptors of this process open on `path`. */
function openOn(path: string): number {
  let count = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) === path) count++;
    } catch {
      // closed while listed
    }
  }
  return count;
}

async function withUiServer(body: (port: number, dir: string) => Promise<void>): Promise<void> {
  await withTempDir(async (dir) => {
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>');
    writeFileSync(join(dir, 'big.js'), randomBytes(16 * 1024 * 1024));
    const ui = new StaticUi(dir);
    const server = createServer((req, res) => {
      if (!ui.serve(req, res, new URL(req.url!, 'http://x').pathname, {})) res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      await body((server.address() as AddressInfo).port, dir);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
}

test('a file is served whole, with its length and type', async () => {
  await withUiServer(async (port) => {
    const res = await fetch(`http://127.0.0.1:${port}/big.js`);
    assert.is(res.status, 200);
    assert.is(res.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.is((await res.arrayBuffer()).byteLength, 16 * 1024 * 1024);
  });
});

test('a browser that goes away in the middle of a file leaves it closed on the server', async () => {
  await withUiServer(async (port, dir) => {
    const file = join(dir, 'big.js');
    const socket = connect(port, '127.0.0.1');
    socket.write('GET /big.js HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    // the server is sending (and its socket buffers are full: this side reads nothing more)
    await new Promise((resolve) => socket.once('data', resolve));
    socket.pause();
    await waitFor(() => openOn(file) === 1, 'the file open while it is sent');
    socket.destroy();
    await waitFor(() => openOn(file) === 0, 'the file closed once the browser went away');
  });
});

test('a page with a slash after it goes to the page, its query kept; a file with one is no file', async () => {
  await withUiServer(async (port) => {
    const page = await fetch(`http://127.0.0.1:${port}/sessions/?a=1`, { redirect: 'manual' });
    assert.is(page.status, 308);
    assert.is(page.headers.get('location'), '../sessions?a=1');
    assert.is(new URL(page.headers.get('location')!, `http://127.0.0.1:${port}/sessions/?a=1`).pathname, '/sessions');
    const followed = await fetch(`http://127.0.0.1:${port}/recordings/`);
    assert.is(followed.status, 200);
    assert.is(new URL(followed.url).pathname, '/recordings');
    assert.is((await fetch(`http://127.0.0.1:${port}/big.js/`)).status, 404);
    assert.is((await fetch(`http://127.0.0.1:${port}/sessions//`)).status, 404);
    assert.is((await fetch(`http://127.0.0.1:${port}/embed//`, { redirect: 'manual' })).status, 404, '/embed/ is a page: /embed// would go to /embed/embed/');
    assert.is((await fetch(`http://127.0.0.1:${port}/embed/`)).status, 200, '/embed/ is a page of its own');
  });
});

test.run();
