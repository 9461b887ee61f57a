// `octant-exec cp` downloading a directory when the archive's end is not the answer's: the
// extraction stops at the tar's end-of-archive block (or at an entry it refuses), and the command
// must still read the rest of the answer (gzip trailer, padding) to its end and exit 0; exit 1 if
// the answer is then cut, its gzip check fails or it goes on too long; say a local write's own
// error as it is; and never wait on an answer the server keeps open. A download cut inside a file
// (a failure in the trailer, or Ctrl-C) leaves no short file under its name and an earlier copy
// as it was: each file is written to a part beside it and renamed in only once whole. A stand-in
// server makes each order certain; with the real server they are races (one was seen as an exit
// with no word, code 13: an await left with nothing to wake it).
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import process from 'node:process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runCli, startCli } from '../support/cli.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { waitFor } from '../support/wait.ts';
import { writeTar, type WriteEntry } from '../../src/files/tar-writer.ts';
import { PAST_ARCHIVE_LIMIT } from '../../src/cli/cp/download-archive.ts';
import { FAILURE_TRAILER } from '../../src/protocol/download-outcome.ts';

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
async function withServer(send: (res: ServerResponse) => void, body: (url: string) => Promise<void>, headers: Record<string, string> = {}): Promise<void> {
  const server = createServer((req, res) => {
    // no namespace given: the server's context's
    if (req.url === '/api/v1/contexts') return res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"contexts":[{"name":"c","current":true,"namespace":"default"}]}');
    res.writeHead(200, { 'Content-Type': 'application/gzip', ...headers });
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

const cpEnv = (url: string) => ({ env: { OCTANT_EXEC_URL: url, OCTANT_EXEC_TOKEN: 't' } });
const download = (url: string, dst: string) => runCli(['cp', 'web:/srv/site', dst], 30_000, cpEnv(url));

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

const EARLIER = Buffer.from('an earlier whole copy\n');

/**
 * A gzipped tar of site/big.bin (4 MiB, stored: gzip level 0) cut in the middle of big.bin's data,
 * and a DST that already holds an earlier big.bin: `body` downloads it; afterwards big.bin must be
 * the earlier copy and no part file beside it.
 */
async function withHalfOfBig(send: (res: ServerResponse, half: Buffer) => void, body: (url: string, dir: string, dst: string) => Promise<void>, headers: Record<string, string> = {}): Promise<void> {
  const big = randomBytes(4 << 20);
  const chunks: Uint8Array[] = [];
  for await (const chunk of writeTar([
    { name: 'site', type: 'directory', mode: 0o755, mtime: 0 },
    { name: 'site/big.bin', type: 'file', mode: 0o644, mtime: 0, size: big.length, body: (async function* () { yield big; })() },
  ])) chunks.push(chunk);
  const gz = gzipSync(Buffer.concat(chunks), { level: 0 });
  await withServer((res) => send(res, gz.subarray(0, gz.length >> 1)), (url) =>
    withTempDir(async (dir) => {
      const dst = join(dir, 'back');
      mkdirSync(dst);
      writeFileSync(join(dst, 'big.bin'), EARLIER);
      await body(url, dir, dst);
      assert.ok(readFileSync(join(dst, 'big.bin')).equals(EARLIER), 'the earlier big.bin is as it was');
      assert.equal(readdirSync(dst), ['big.bin'], 'no part left beside it');
    }), headers);
}

test("a folder's download cut inside a file (the container's tar failed): no short file under its name, an earlier copy as it was, and the command says so", () =>
  withHalfOfBig((res, half) => {
    res.write(half);
    res.addTrailers({ [FAILURE_TRAILER]: encodeURIComponent('tar in the container exited with 2: big.bin: Read error') });
    res.end();
  }, async (url, _dir, dst) => {
    const run = await download(url, dst);
    assert.is(run.code, 1, run.stderr);
    assert.is(run.stderr, `octant-exec cp: tar in the container exited with 2: big.bin: Read error What was extracted before is inside ${dst}; a file cut off on its way is not (an earlier copy of it stays as it was).\n`);
  }, { Trailer: FAILURE_TRAILER }));

test("Ctrl-C during a folder's download, inside a file: exit 130, the part being written removed, an earlier copy as it was", () =>
  withHalfOfBig((res, half) => res.write(half), async (url, _dir, dst) => {
    const run = startCli(['cp', 'web:/srv/site', dst], cpEnv(url));
    await waitFor(() => existsSync(join(dst, '.big.bin.octant-exec-part')), 'the part to be written', 30_000);
    process.kill(run.child.pid!, 'SIGINT'); // not child.kill: Deno's records the signal as the cause of death even when it is handled
    assert.is(await run.exit, 130, run.stderr());
  }));

test.run();
