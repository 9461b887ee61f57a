// What a folder's download says after its bytes, to the page (its footer, read by
// ui/protocol/file-transfer.ts downloadPath) and to `octant-exec cp` (trailers):
// - entries left out (hard links, symlinks pointing outside): the footer counts them, as the
//   trailer X-Octant-Exec-Skipped did alone (fetch reads no trailers: the page said "whole");
// - a failure after the answer began (a file tar may not read): the footer says why, and the page
//   says it (it said only "cut off");
// - GNU tar's "socket ignored" beside "file changed as we read it" is the change alone (it failed
//   the download); "File removed before we read it" (a spool whose files come and go, exit 1) is
//   a folder whole without that file, said (it failed every such download).
// A footer with nothing more to say than before is as before: `whole`, `changed N`.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { footer, readFooterDetails, readFooterLine } from '../../src/protocol/download-outcome.ts';
import { writeTar } from '../../src/files/tar-writer.ts';
import { TarWarnings, tarVerdict } from '../../src/server/files/tar-warnings.ts';
import { downloadPath } from '../../ui/protocol/file-transfer.ts';
import { runCli } from '../support/cli.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { startTestApp } from '../server/support.ts';
import { downloadWithTrailers, runIn, withLyingTar } from '../server/files-support.ts';

const test = suite('what a folder\'s download says after its bytes', { deadlineMs: 180_000 });

const said = (text: string) => {
  const warnings = new TarWarnings();
  warnings.push(Buffer.from(text));
  return warnings;
};
const exited = (code: number) => ({ kind: 'exited', code }) as const;
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

test('tar-warnings: "socket ignored" and "door ignored" pass; "File removed before we read it" is counted, as "changed" is', () => {
  assert.equal(tarVerdict(exited(1), said('tar: ./d/app.sock: socket ignored\ntar: ./d/app.log: file changed as we read it\ntar: ./d/x: door ignored\n')), { changed: { count: 1, names: ['d/app.log'] } });
  assert.equal(tarVerdict(exited(1), said('tar: ./spool/job1: File removed before we read it\ntar: ./spool/job2: File removed before we read it\n')), { removed: { count: 2, names: ['spool/job1', 'spool/job2'] } });
  assert.is(tarVerdict(exited(1), said('tar: ./spool/job1: File removed before we read it\ntar: ./spool/b: Cannot open: Permission denied\n')), undefined, 'beside another complaint, still a failure');
  assert.is(tarVerdict(exited(1), said('tar: ./d/app.sock: socket ignored\n')), undefined, 'exit 1 with nothing that explains it');
});

test('the footer: as before when it has nothing more to say; counts or a failure before its last line otherwise', () => {
  assert.is(text(footer({ changed: 0, removed: 0, skipped: 0 })), 'whole'.padEnd(15) + '\n');
  assert.is(text(footer({ changed: 2, removed: 0, skipped: 0 })), 'changed 2'.padEnd(15) + '\n');
  const details = text(footer({ changed: 1, removed: 3, skipped: 2 }));
  const line = readFooterLine(details.slice(-16));
  assert.equal(line, { kind: 'details', count: details.length - 16 });
  assert.equal(readFooterDetails(details.slice(0, -16)), { changed: 1, removed: 3, skipped: 2 });
  const failed = footer({ failed: 'tar said: café ☕ denied' });
  const failedLine = readFooterLine(text(failed.subarray(-16)));
  assert.is(failedLine?.kind, 'failed');
  assert.is(text(failed.subarray(failed.length - 16 - failedLine!.count, -16)), 'tar said: café ☕ denied', 'its length in bytes, not characters');
  assert.is(readFooterLine('changed 0'.padEnd(15) + '\n'), undefined);
  assert.is(readFooterLine('UUUUUUUUUUUUUUU\n'), undefined);
});

const app = await startTestApp();
const env = { OCTANT_EXEC_URL: `http://127.0.0.1:${app.port}/`, OCTANT_EXEC_TOKEN: app.token };
test.after(() => app.close());

/** The page's download, its fetch sent to the test server. */
async function pageDownload(path: string, pod = 'web', container = 'nginx') {
  const realFetch = globalThis.fetch;
  globalThis.fetch = ((url: string, init: RequestInit = {}) => realFetch(`http://127.0.0.1:${app.port}${url}`, { ...init, headers: { ...(init.headers as Record<string, string>), Authorization: `Bearer ${app.token}` } })) as typeof fetch;
  try {
    return await downloadPath({ namespace: 'default', pod, container }, path, () => {}, new AbortController().signal, () => {});
  } finally {
    globalThis.fetch = realFetch;
  }
}

test('a folder whose hard link and outside symlink were left out: the page hears how many', async () => {
  await runIn(app, 'web', 'nginx', ['sh', '-c', 'rm -rf /tmp/d && mkdir /tmp/d && echo data > /tmp/d/f && ln /tmp/d/f /tmp/d/hard && ln -s /etc/hostname /tmp/d/abs && ln -s f /tmp/d/rel']);
  const got = await pageDownload('/tmp/d');
  assert.equal({ changed: got.changed, removed: got.removed, skipped: got.skipped, filename: got.filename }, { changed: 0, removed: 0, skipped: 2, filename: 'd.tar.gz' });
  const bytes = Buffer.from(await got.blob.arrayBuffer());
  assert.equal([...bytes.subarray(0, 2)], [0x1f, 0x8b], 'the .tar.gz alone, its footer taken off');
});

test('a folder with a file its user may not read: the page says why, not only that it was cut off', async () => {
  await runIn(app, 'web', 'nginx', ['sh', '-c', 'mkdir -p /tmp/part && echo ok > /tmp/part/ok && echo s > /tmp/part/secret && chmod 000 /tmp/part/secret']);
  try {
    await pageDownload('/tmp/part');
    assert.unreachable('the download failed');
  } catch (error) {
    assert.match((error as Error).message, /^The container "nginx" of pod "web" may not read all of "\/tmp\/part" as its user \(tar said: tar: \.\/part\/secret: Cannot open: Permission denied\): download what it may read\. Nothing was saved\.$/);
  }
});

/** A folder's archive as the container's tar writes it: ./logs/ and ./logs/a.log. */
const folderArchive = async () => {
  const body = Buffer.from('line\n'.repeat(100));
  const chunks: Uint8Array[] = [];
  for await (const chunk of writeTar([
    { name: './logs/', type: 'directory', mode: 0o755, mtime: 0 },
    { name: './logs/a.log', type: 'file', mode: 0o644, mtime: 0, size: body.length, body: Readable.from([body]) },
  ])) chunks.push(chunk);
  return Buffer.concat(chunks);
};

test('tar said a socket was ignored beside a file that changed: delivered, said as the change alone', async () => {
  await withLyingTar(app, 'alpine-tools', 'tools', await folderArchive(), async () => {
    const got = await pageDownload('/srv/logs', 'alpine-tools', 'tools');
    assert.equal({ changed: got.changed, removed: got.removed, skipped: got.skipped }, { changed: 1, removed: 0, skipped: 0 });
  }, 1, 0, ['tar: ./logs/app.sock: socket ignored', 'tar: ./logs/a.log: file changed as we read it']);
});

test('tar said files were removed before it read them: the folder delivered without them, and said to the page and to cp', async () => {
  await withLyingTar(app, 'alpine-tools', 'tools', await folderArchive(), () =>
    withTempDir(async (dir) => {
      const got = await pageDownload('/srv/logs', 'alpine-tools', 'tools');
      assert.equal({ changed: got.changed, removed: got.removed, skipped: got.skipped }, { changed: 0, removed: 2, skipped: 0 });
      const trailers = await downloadWithTrailers(app, { pod: 'alpine-tools', path: '/srv/logs' });
      assert.ok(trailers.ended);
      assert.equal(JSON.parse(decodeURIComponent(trailers.trailers['x-octant-exec-removed']!)), { count: 2, names: ['logs/job1', 'logs/job2'] });
      const run = await runCli(['cp', 'alpine-tools:/srv/logs', join(dir, 'logs')], 60_000, { env });
      assert.is(run.code, 0, run.stderr);
      assert.is(run.stderr, 'octant-exec cp: 2 files were removed in the container while tar read the folder, and are not in the copy: /srv/logs/job1, /srv/logs/job2\n');
      assert.equal(readdirSync(join(dir, 'logs')), ['a.log']);
    }), 1, 0, ['tar: ./logs/job1: File removed before we read it', 'tar: ./logs/job2: File removed before we read it']);
});

test.run();
