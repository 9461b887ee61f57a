// `octant-exec cp` downloading a directory when the archive's end comes before the answer's: the
// extraction stops at the tar's end-of-archive block, and the command must still read the rest of
// the answer (gzip trailer, padding) to its end and exit 0, or exit 1 if the answer is then cut.
// A server that holds back the gzip trailer makes that order certain (with the real server it is a
// race: it was seen as an exit with no answer, code 13, an await left with nothing to wake it).
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runCli } from '../support/cli.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { writeTar, type WriteEntry } from '../../src/files/tar-writer.ts';

const TRAILER_BYTES = 8; // gzip's CRC32 and length: everything of the tar is out before them

async function archive(): Promise<Buffer> {
  const body = Buffer.from('held back\n');
  const entries: WriteEntry[] = [
    { name: 'site', type: 'directory', mode: 0o755, mtime: 0 },
    { name: 'site/a.txt', type: 'file', mode: 0o644, mtime: 0, size: body.length, body: (async function* () { yield body; })() },
  ];
  const chunks: Uint8Array[] = [];
  for await (const chunk of writeTar(entries)) chunks.push(chunk);
  return gzipSync(Buffer.concat(chunks));
}

/** A stand-in server answering every download with `gz`, its last bytes sent by `finish` after a pause. */
async function withSlowEnd(finish: (res: ServerResponse, rest: Buffer) => void, body: (url: string) => Promise<void>): Promise<void> {
  const gz = await archive();
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/gzip' });
    res.write(gz.subarray(0, gz.length - TRAILER_BYTES));
    setTimeout(() => finish(res, gz.subarray(gz.length - TRAILER_BYTES)), 500);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await body(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

const download = (url: string, dst: string) => runCli(['cp', 'web:/srv/site', dst], 30_000, { env: { OCTANT_EXEC_URL: url, OCTANT_EXEC_TOKEN: 't' } });

test('the answer ends after the archive does: the command waits for it and exits 0', async () => {
  await withSlowEnd(
    (res, rest) => res.end(rest),
    (url) =>
      withTempDir(async (dir) => {
        const run = await download(url, join(dir, 'back'));
        assert.is(run.code, 0, run.stderr);
        assert.is(readFileSync(join(dir, 'back/a.txt'), 'utf8'), 'held back\n');
      }),
  );
});

test('the answer is cut after the archive ends: the command says so and exits 1', async () => {
  await withSlowEnd(
    (res) => res.destroy(),
    (url) =>
      withTempDir(async (dir) => {
        const run = await download(url, join(dir, 'back'));
        assert.is(run.code, 1, run.stderr);
        assert.match(run.stderr, /was cut off/);
      }),
  );
});

test.run();
