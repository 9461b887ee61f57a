// A download is delivered with its tar's exit 1 only when every line tar said is GNU tar's "file
// changed as we read it": tar's stderr read line by line (tar-warnings.ts), and against a
// container whose tar is a script that prints a whole archive, then those lines, then exits 1.
// The same warning beside any other complaint (a file it may not read) is still a failure: the
// file is not kept, cp exits 1 with tar's words.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { TarWarnings, tarVerdict } from '../../src/server/files/tar-warnings.ts';
import { writeTar } from '../../src/files/tar-writer.ts';
import { runCli } from '../support/cli.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { startTestApp } from './support.ts';
import { downloadFrom, downloadWithTrailers, withLyingTar } from './files-support.ts';

const test = suite('a download whose tar said a file changed, and only that', { deadlineMs: 180_000 });

const said = (...chunks: string[]) => {
  const warnings = new TarWarnings();
  for (const chunk of chunks) warnings.push(Buffer.from(chunk));
  return warnings;
};
const exited = (code: number) => ({ kind: 'exited', code }) as const;

test('tar-warnings: only "file changed as we read it" lines, even split across chunks, with exit 1', () => {
  assert.equal(tarVerdict(exited(1), said('tar: ./logs/a.log: file cha', 'nged as we read it\ntar: ./logs/b.log: file changed as we read it\n')), { changed: { count: 2, names: ['logs/a.log', 'logs/b.log'] } });
  assert.equal(tarVerdict(exited(1), said('tar: ./a.log: file changed as we read it')), { changed: { count: 1, names: ['a.log'] } }, 'a last line without its newline');
  assert.equal(tarVerdict(exited(0), said('')), {});
});

test('tar-warnings: anything else said, another exit, or nothing said is a failure', () => {
  assert.is(tarVerdict(exited(1), said('tar: ./a.log: file changed as we read it\ntar: ./b: Cannot open: Permission denied\n')), undefined);
  assert.is(tarVerdict(exited(1), said('tar: ./a.log: Datei hat sich beim Lesen geändert\n')), undefined, 'translated words are not taken');
  assert.is(tarVerdict(exited(2), said('tar: ./a.log: file changed as we read it\n')), undefined, "exit 2: GNU tar's fatal status");
  assert.is(tarVerdict(exited(1), said('')), undefined, "busybox tar's 1 says nothing of the kind");
  assert.is(tarVerdict({ kind: 'ended', status: 504, message: 'idle' }, said('tar: ./a.log: file changed as we read it\n')), undefined);
});

test('tar-warnings: every file is counted, the names a trailer carries are bounded', () => {
  const lines = Array.from({ length: 50 }, (_, i) => `tar: ./logs/${'n'.repeat(300)}-${i}.log: file changed as we read it\n`);
  const verdict = tarVerdict(exited(1), said(...lines));
  assert.is(verdict?.changed?.count, 50);
  assert.ok(verdict!.changed!.names.length >= 1 && verdict!.changed!.names.length <= 10, `${verdict!.changed!.names.length} names`);
});

const app = await startTestApp();
const env = { OCTANT_EXEC_URL: `http://127.0.0.1:${app.port}/`, OCTANT_EXEC_TOKEN: app.token };
test.after(() => app.close());

const CONTENT = Buffer.from('line\n'.repeat(1000));
const archive = async () => {
  const chunks: Uint8Array[] = [];
  for await (const chunk of writeTar([{ name: './f.log', type: 'file', mode: 0o644, mtime: 0, size: CONTENT.length, body: Readable.from([CONTENT]) }])) chunks.push(chunk);
  return Buffer.concat(chunks);
};
const CHANGED = 'tar: ./f.log: file changed as we read it';

test('tar said only that f.log changed: cp writes it, names it, exits 3; the trailer and the footer say it', async () => {
  await withLyingTar(app, 'alpine-tools', 'tools', await archive(), () =>
    withTempDir(async (dir) => {
      const run = await runCli(['cp', 'alpine-tools:/srv/f.log', join(dir, 'f.log')], 60_000, { env });
      assert.is(run.code, 3, run.stderr);
      assert.match(run.stderr, /^octant-exec cp: \/srv\/f\.log changed while it was copied: the copy holds what tar read, which may be cut short or mix two versions\n$/);
      assert.ok(readFileSync(join(dir, 'f.log')).equals(CONTENT));
      const trailers = await downloadWithTrailers(app, { pod: 'alpine-tools', path: '/srv/f.log' });
      assert.ok(trailers.ended && trailers.body.equals(CONTENT));
      assert.equal(JSON.parse(decodeURIComponent(trailers.trailers['x-octant-exec-changed']!)), { count: 1, names: ['f.log'] });
      const footer = await downloadFrom(app, { pod: 'alpine-tools', path: '/srv/f.log' }, { 'X-Octant-Exec-Outcome': 'footer' });
      assert.is(footer.body.subarray(CONTENT.length).toString(), `${'changed 1'.padEnd(15)}\n`);
    }), 1, 0, [CHANGED]);
});

test('the warning and also "Permission denied": cp keeps no file and exits 1 with tar\'s words; the API fails both ways', async () => {
  await withLyingTar(app, 'alpine-tools', 'tools', await archive(), () =>
    withTempDir(async (dir) => {
      const run = await runCli(['cp', 'alpine-tools:/srv/f.log', join(dir, 'f.log')], 60_000, { env });
      assert.is(run.code, 1, run.stderr);
      assert.match(run.stderr, /may not read all of "\/srv\/f\.log".*Permission denied/);
      assert.not.ok(existsSync(join(dir, 'f.log')), 'no file');
      const trailers = await downloadWithTrailers(app, { pod: 'alpine-tools', path: '/srv/f.log' });
      assert.ok(trailers.body.length < CONTENT.length, 'the file left unfinished');
      assert.match(decodeURIComponent(trailers.trailers['x-octant-exec-failure'] ?? ''), /Permission denied/);
      assert.is(trailers.trailers['x-octant-exec-changed'], undefined);
      assert.is((await downloadFrom(app, { pod: 'alpine-tools', path: '/srv/f.log' }, { 'X-Octant-Exec-Outcome': 'footer' })).status, 0, 'the page\'s answer is cut');
    }), 1, 0, [CHANGED, 'tar: ./f.log: Cannot open: Permission denied']);
});

test.run();
