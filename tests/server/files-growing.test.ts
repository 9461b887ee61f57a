// Downloading a log its program is still writing, the first thing a user copies out of a container
// (cp's own example is /var/log/app.log). GNU tar reads the size it stat'ed, sees the file changed
// and exits 1 ("file changed as we read it"). The copy is delivered, as long as tar announced,
// and the client is told: `octant-exec cp` writes it, names it on stderr and exits 3; the page's
// answer (no trailers: a footer) says `changed 1` after the bytes; a client that can be told
// neither has its answer cut, never a file that may be torn and not a word.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../support/cli.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { call, openExec, sessionState, startTestApp } from './support.ts';
import { waitFor } from '../support/wait.ts';
import { downloadFrom, downloadWithTrailers, runIn } from './files-support.ts';

const test = suite('a file that grows while it is downloaded', { deadlineMs: 180_000 });

const START = 8_000_000;
const app = await startTestApp();
const env = { OCTANT_EXEC_URL: `http://127.0.0.1:${app.port}/`, OCTANT_EXEC_TOKEN: app.token };
let writer: string | undefined;
test.before(async () => {
  // 8 MB first, so tar is still reading when the next line comes
  await runIn(app, 'web', 'nginx', ['sh', '-c', `mkdir -p /tmp/grow && head -c ${START} /dev/zero | tr "\\0" x > /tmp/grow/app.log`]);
  [writer] = await openExec(app, { namespace: 'default', pod: 'web', containers: ['nginx'], command: { argv: ['sh', '-c', 'while [ ! -e /tmp/grow-stop ]; do echo line; sleep 0.01; done >> /tmp/grow/app.log'] }, interactive: false });
});
test.after(async () => {
  // the writer stops itself (closing it could leave its last sleep running past the file)
  await runIn(app, 'web', 'nginx', ['touch', '/tmp/grow-stop']).catch(() => {});
  if (writer) await waitFor(async () => (await sessionState(app, writer!))?.state === 'exited', 'the writer to stop', 20_000).catch(() => {});
  if (writer) await call(app, `/api/v1/sessions/${writer}/close`, { method: 'POST' });
  await runIn(app, 'web', 'nginx', ['rm', '-rf', '/tmp/grow', '/tmp/grow-stop']).catch(() => {});
  await app.close();
});

const WARNING = /octant-exec cp: \/tmp\/grow\/app\.log changed while it was copied: the copy holds what tar read, which may be cut short or mix two versions/;

test('cp of the log: written under its name as long as tar announced, the warning said, exit 3', () =>
  withTempDir(async (dir) => {
    const dst = join(dir, 'app.log');
    const run = await runCli(['cp', 'web:/tmp/grow/app.log', dst, '-c', 'nginx'], 60_000, { env });
    assert.is(run.code, 3, run.stderr);
    assert.match(run.stderr, WARNING);
    const got = readFileSync(dst);
    assert.ok(got.length >= START, `${got.length} bytes`);
    assert.ok(got.subarray(0, START).every((byte) => byte === 0x78), 'the log as it began');
    assert.match(got.subarray(START).toString(), /^(line\n)*$/, 'then whole lines as they were written');
    assert.not.ok(existsSync(join(dir, '.app.log.octant-exec-part')), 'no part left');
  }));

test('cp of the folder holding it: the folder extracted, the entry named, exit 3', () =>
  withTempDir(async (dir) => {
    const run = await runCli(['cp', 'web:/tmp/grow', join(dir, 'grow'), '-c', 'nginx'], 60_000, { env });
    assert.is(run.code, 3, run.stderr);
    assert.match(run.stderr, WARNING);
    assert.ok(statSync(join(dir, 'grow/app.log')).size >= START);
  }));

test('the API with TE: trailers: chunked, the size in X-Octant-Exec-Size, the file whole, the change in a trailer', async () => {
  const down = await downloadWithTrailers(app, { pod: 'web', container: 'nginx', path: '/tmp/grow/app.log' });
  assert.is(down.status, 200);
  assert.ok(down.ended, 'the answer ended, not cut');
  assert.is(down.headers['content-length'], undefined);
  assert.is(String(down.body.length), down.headers['x-octant-exec-size']);
  assert.equal(JSON.parse(decodeURIComponent(down.trailers['x-octant-exec-changed']!)), { count: 1, names: ['app.log'] });
  assert.is(down.trailers['x-octant-exec-failure'], undefined);
});

test('the API as the page asks (no trailers, a footer): the file whole, then "changed 1"', async () => {
  const down = await downloadFrom(app, { pod: 'web', container: 'nginx', path: '/tmp/grow/app.log' }, { 'X-Octant-Exec-Outcome': 'footer' });
  assert.is(down.status, 200, `the download was ${down.status === 0 ? 'cut' : down.status}`);
  assert.is(down.headers.get('x-octant-exec-outcome'), 'footer');
  const size = Number(down.headers.get('x-octant-exec-size'));
  assert.is(down.body.length, size + 16);
  assert.is(String(down.body.length), down.headers.get('content-length'));
  assert.ok(down.body.subarray(0, START).every((byte) => byte === 0x78), 'the log as it began');
  assert.is(down.body.subarray(size).toString(), 'changed 1'.padEnd(15) + '\n');
});

test('a folder as the page asks: its archive, then "changed 1"', async () => {
  const down = await downloadFrom(app, { pod: 'web', container: 'nginx', path: '/tmp/grow' }, { 'X-Octant-Exec-Outcome': 'footer' });
  assert.is(down.status, 200, `the download was ${down.status === 0 ? 'cut' : down.status}`);
  assert.is(down.body.subarray(-16).toString(), 'changed 1'.padEnd(15) + '\n');
});

test('a client that asks for neither is cut: it never holds a file that may be torn, unsaid', async () => {
  const down = await downloadFrom(app, { pod: 'web', container: 'nginx', path: '/tmp/grow/app.log' });
  assert.is(down.status, 0, 'cut');
});

test.run();
