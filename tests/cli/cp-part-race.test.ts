// Two `octant-exec cp POD:/srv/f.bin DST` side by side: both write DST's part file. The second
// clears the first's part to make its own; the first, once whole, must not rename that one (the
// second's, still being written) into DST: DST would be a short file, and the second copy would
// then fail although its bytes ended up there. A stand-in server holds each answer's second half
// until the test lets it go.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startCli } from '../support/cli.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { waitFor, withTimeout } from '../support/wait.ts';

const SIZE = 64 * 1024;

test('the first copy done never puts the second one\'s unfinished part in DST; the second, done, is there whole and exits 0', async () => {
  const held: ServerResponse[] = [];
  const server = createServer((req, res) => {
    // no namespace given: the command asks which the server's context has
    if (req.url === '/api/v1/contexts') return void res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ contexts: [{ name: 'stand-in', current: true, namespace: 'default' }] }));
    const fill = held.length === 0 ? 0x61 : 0x62;
    held.push(res);
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': SIZE });
    res.write(Buffer.alloc(SIZE / 2, fill));
  });
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const started: ReturnType<typeof startCli>[] = [];
  const env = { OCTANT_EXEC_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, OCTANT_EXEC_TOKEN: 't' };
  try {
    await withTempDir(async (dir) => {
      const dst = join(dir, 'f.bin');
      const part = join(dir, '.f.bin.octant-exec-part');
      const partHolds = (fill: number) => existsSync(part) && statSync(part).size === SIZE / 2 && readFileSync(part)[0] === fill;
      const first = startCli(['cp', 'web:/srv/f.bin', dst], { env });
      started.push(first);
      await waitFor(() => partHolds(0x61), "the first copy's part to hold its first half", 30_000);
      const second = startCli(['cp', 'web:/srv/f.bin', dst], { env });
      started.push(second);
      await waitFor(() => partHolds(0x62), "the second copy's part to hold its first half", 30_000);
      held[0].end(Buffer.alloc(SIZE / 2, 0x61));
      const firstCode = await withTimeout(first.exit, 30_000, 'the first copy');
      if (existsSync(dst)) {
        const got = readFileSync(dst);
        assert.ok(got.equals(Buffer.alloc(SIZE, 0x61)), `the first copy (exit ${firstCode}: ${first.stderr()}) left in DST ${got.length} bytes starting "${got.subarray(0, 4)}", not its own whole file`);
      } else assert.is(firstCode, 1, 'the first copy put nothing in DST, and says it failed');
      held[1].end(Buffer.alloc(SIZE / 2, 0x62));
      assert.is(await withTimeout(second.exit, 30_000, 'the second copy'), 0, second.stderr());
      assert.ok(readFileSync(dst).equals(Buffer.alloc(SIZE, 0x62)), 'the second copy is in DST, whole');
      assert.not.ok(existsSync(part), 'no part left behind');
    });
  } finally {
    for (const cli of started) if (cli.child.exitCode === null && cli.signal() === null) cli.child.kill();
    await Promise.all(started.map((cli) => cli.exit));
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test.run();
