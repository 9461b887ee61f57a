// `octant-exec cp` downloading a directory when the archive's end is not the answer's: the
// extraction stops at the tar's end-of-archive block (or at an entry it refuses), and the command
// must still read the rest of the answer (gzip trailer, padding) to its end and exit 0; exit 1 if
// the answer is then cut, its gzip check fails or it goes on too long; say a local write's own
// error as it is; and never wait on an answer the server keeps open. A stand-in server makes each
// order certain; with the real server they are races (one was seen as an exit with no word, code
// 13: an await left with nothing to wake it).
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runCli } from '../support/cli.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { writeTar, type WriteEntry } from '../../src/files/tar-writer.ts';
import { PAST_ARCHIVE_LIMIT } from '../../src/cli/cp/download-archive.ts';

const TRAILER_BYTES = 8; // gzip's CRC32 and length: everything of the tar is out before them
const BODY = Buffer.from('held back\n');

/** A gzipped tar of site/ holding `entries` after site/a.txt, then `after` (bytes past the end-of-archive). */
async function archive(entries: WriteEntry[] = [], after = new Uint8Array(0)): Promise<Buffer> {
  const all: WriteEntry[] = [
    { name: 'site', type: 'directory', mode: 0o755, mtime: 0 },
    { name: 'site/a.txt', type: 'file', mode: 0o644, mtime: 0, size: BODY.length, body: (async function* () { yield BODY; })() },
    ...entries,
  ];
  const chunks: Uint8Array[] = [];
  for await (const chunk of writeTar(all)) chunks.push(chunk);
  return gzipSync(Buffer.concat([...chunks, after]));
}

/**
 * A stand-in server answering every download with what `send` writes. It never times out a
 * connection: an answer the command leaves unread holds it until the test's deadline.
 */
async function withServer(send: (res: ServerResponse) => void, body: (url: string) => Promise<void>): Promise<void> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/gzip' });
    send(res);
  });
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await body(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** All of `gz` but its trailer now, then `finish` with the trailer after a pause. */
const trailerLater = (gz: Buffer, finish: (res: ServerResponse, rest: Buffer) => void) => (res: ServerResponse) => {
  res.write(gz.subarray(0, gz.length - TRAILER_BYTES));
  setTimeout(() => finish(res, gz.subarray(gz.length - TRAILER_BYTES)), 500);
};

const download = (url: string, dst: string) => runCli(['cp', 'web:/srv/site', dst], 30_000, { env: { OCTANT_EXEC_URL: url, OCTANT_EXEC_TOKEN: 't' } });

test('the answer ends after the archive does: the command waits for it and exits 0', async () => {
  const gz = await archive();
  await withServer(trailerLater(gz, (res, rest) => res.end(rest)), (url) =>
    withTempDir(async (dir) => {
      const run = await download(url, join(dir, 'back'));
      assert.is(run.code, 0, run.stderr);
      assert.is(readFileSync(join(dir, 'back/a.txt'), 'utf8'), BODY.toString());
    }),
  );
});

test('the answer is cut after the archive ends: the command says so and exits 1', async () => {
  const gz = await archive();
  await withServer(trailerLater(gz, (res) => res.destroy()), (url) =>
    withTempDir(async (dir) => {
      const run = await download(url, join(dir, 'back'));
      assert.is(run.code, 1, run.stderr);
      assert.match(run.stderr, /was cut off/);
    }),
  );
});

test('data past the archive, the answer whole at once and its connection kept: read to its end, exit 0', async () => {
  // the extraction stops with its gunzip full of what follows (random bytes do not shrink), the
  // answer paused behind it: it must still be read to its end, not left to the server to close
  const gz = await archive([], randomBytes(48 * 1024));
  await withServer((res) => res.end(gz), (url) =>
    withTempDir(async (dir) => {
      const run = await download(url, join(dir, 'back'));
      assert.is(run.code, 0, run.stderr);
      assert.is(readFileSync(join(dir, 'back/a.txt'), 'utf8'), BODY.toString());
    }),
  );
});

test("the gzip trailer's check fails: the command says the download is damaged and exits 1, whether the answer ends with it or later", async () => {
  const gz = await archive();
  gz[gz.length - TRAILER_BYTES] ^= 0xff; // the CRC32 of the uncompressed bytes, which the tar's own checksums do not cover
  // the server ends its answer once the container's tar has exited, after the trailer: "later" is its order
  for (const send of [(res: ServerResponse) => res.end(gz), trailerLater(gz, (res, rest) => res.write(rest, () => setTimeout(() => res.end(), 300)))]) {
    await withServer(send, (url) =>
      withTempDir(async (dir) => {
        const run = await download(url, join(dir, 'back'));
        assert.is(run.code, 1, run.stderr);
        assert.match(run.stderr, /arrived damaged \(incorrect data check in its gzip stream\): try again/);
      }),
    );
  }
});

test('more than the limit past the archive: the command stops reading, says so and exits 1', async () => {
  const gz = await archive([], new Uint8Array(PAST_ARCHIVE_LIMIT + 1024 * 1024));
  await withServer((res) => res.write(gz), (url) =>
    withTempDir(async (dir) => {
      const run = await download(url, join(dir, 'back'));
      assert.is(run.code, 1, run.stderr);
      assert.match(run.stderr, /went on past its archive's end \(more than 1 MiB\): is OCTANT_EXEC_URL an octant-exec server\?/);
      assert.is(readFileSync(join(dir, 'back/a.txt'), 'utf8'), BODY.toString(), 'what came before is kept');
    }),
  );
});

test('empty gzip members past the archive without end: counted as sent, so the command stops, says so and exits 1', async () => {
  const gz = await archive();
  const empties = Buffer.concat(Array.from({ length: 4096 }, () => gzipSync(new Uint8Array(0)))); // each unzips to nothing
  const endless = (res: ServerResponse) => {
    res.write(gz);
    const more = () => res.destroyed || res.write(empties, more);
    more();
  };
  await withServer(endless, (url) =>
    withTempDir(async (dir) => {
      const run = await download(url, join(dir, 'back'));
      assert.is(run.code, 1, run.stderr);
      assert.match(run.stderr, /went on past its archive's end/);
    }),
  );
});

test('writing here fails (a name too long for this file system): the local error is said, not a cut download', async () => {
  const gz = await archive([{ name: `site/${'n'.repeat(300)}`, type: 'file', mode: 0o644, mtime: 0, size: BODY.length, body: (async function* () { yield BODY; })() }]);
  await withServer((res) => res.end(gz), (url) =>
    withTempDir(async (dir) => {
      const run = await download(url, join(dir, 'back'));
      assert.is(run.code, 1, run.stderr);
      assert.match(run.stderr, /ENAMETOOLONG|name too long/i);
      assert.not.match(run.stderr, /cut off/);
    }),
  );
});

test('an entry refused while the answer stays open: the command says why and exits 1 at once', async () => {
  const gz = await archive([{ name: 'site/out', type: 'symlink', mode: 0o777, mtime: 0, linkname: '/etc' }]);
  await withServer((res) => res.write(gz), (url) =>
    withTempDir(async (dir) => {
      const run = await download(url, join(dir, 'back'));
      assert.is(run.code, 1, run.stderr);
      assert.match(run.stderr, /symlink to "\/etc", outside the destination: refused/);
    }),
  );
});

test.run();
