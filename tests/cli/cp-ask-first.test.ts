// `octant-exec cp` asks what DST is before an upload (a HEAD of its download, as kubectl cp runs
// `test -d`), against a stand-in server that answers the question as told: a folder sends the copy
// into it, nothing there names the copy DST, and an answer that may differ next time (a busy or
// failing server, a cut connection) stops the copy, which would otherwise land elsewhere.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../support/cli.ts';
import { withTempDir } from '../support/temp-dir.ts';

/** Runs `cp DIR/f.txt web:/srv/html` against a server whose HEAD is `head`; the uploads' `path`s, and the run. */
async function copyWhenHeadIs(head: (res: ServerResponse) => void) {
  const uploads: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://stand-in');
    if (req.method === 'HEAD') return head(res);
    // no namespace given: the server's context's
    if (url.pathname === '/api/v1/contexts') return res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"contexts":[{"name":"c","current":true,"namespace":"default"}]}');
    uploads.push(url.searchParams.get('path')!);
    req.resume();
    req.on('end', () => res.writeHead(201, { 'Content-Type': 'application/json' }).end('{"skipped":0}'));
  });
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await withTempDir(async (dir) => {
      writeFileSync(join(dir, 'f.txt'), 'x');
      const env = { OCTANT_EXEC_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, OCTANT_EXEC_TOKEN: 't' };
      const run = await runCli(['cp', join(dir, 'f.txt'), 'web:/srv/html'], 30_000, { env });
      return { uploads, ...run };
    });
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

test('a folder there: the copy goes into it', async () => {
  const run = await copyWhenHeadIs((res) => res.writeHead(200, { 'Content-Type': 'application/gzip' }).end());
  assert.is(run.code, 0, run.stderr);
  assert.equal(run.uploads, ['/srv/html']);
});

test('a file, or nothing there (404): DST names the copy, in its folder', async () => {
  for (const answer of [200, 404]) {
    const run = await copyWhenHeadIs((res) => res.writeHead(answer, { 'Content-Type': answer === 200 ? 'application/octet-stream' : 'application/json' }).end());
    assert.is(run.code, 0, run.stderr);
    assert.equal(run.uploads, ['/srv'], String(answer));
  }
});

test('a busy or failing server, or a cut connection: the copy stops, saying why, and nothing is sent', async () => {
  for (const [what, head] of [
    ['503', (res: ServerResponse) => res.writeHead(503).end()],
    ['429', (res: ServerResponse) => res.writeHead(429).end()],
    ['cut', (res: ServerResponse) => res.socket!.destroy()],
  ] as const) {
    const run = await copyWhenHeadIs(head);
    assert.is(run.code, 1, what);
    assert.match(run.stderr, /^octant-exec cp: could not tell whether \/srv\/html is a folder in the container, which decides where the copy goes \(.+\): try again\n$/, what);
    assert.equal(run.uploads, [], what);
  }
});

test.run();
