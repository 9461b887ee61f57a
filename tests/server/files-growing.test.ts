// Downloading a log its program is still writing, the first thing a user copies out of a container
// (cp's own example is /var/log/app.log). GNU tar reads the size it stat'ed, then sees the file
// changed and exits 1 ("file changed as we read it"): its archive is whole (no padding, which is
// exit 2), the file as it was when tar began. The download must hand it over, not cut it every
// time (trying again cannot help while the program writes); a folder of such logs too.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { gunzipSync } from 'node:zlib';
import { call, openExec, startTestApp } from './support.ts';
import { downloadFrom, runIn } from './files-support.ts';
import { readTar } from '../../src/files/tar-reader.ts';

const test = suite('a file that grows while it is downloaded', { deadlineMs: 120_000 });

const app = await startTestApp();
let writer: string | undefined;
test.before(async () => {
  await runIn(app, 'web', 'nginx', ['sh', '-c', 'mkdir -p /tmp/grow && head -c 8000000 /dev/zero | tr "\\0" x > /tmp/grow/app.log']);
  [writer] = await openExec(app, { namespace: 'default', pod: 'web', containers: ['nginx'], command: { argv: ['sh', '-c', 'while :; do echo "a line of the log, and another word" >> /tmp/grow/app.log; sleep 0.05; done'] }, interactive: false });
});
test.after(async () => {
  if (writer) await call(app, `/api/v1/sessions/${writer}/close`, { method: 'POST' });
  await runIn(app, 'web', 'nginx', ['rm', '-rf', '/tmp/grow']).catch(() => {});
  await app.close();
});

test('a file written to while tar reads it arrives whole, as long as tar said it was', async () => {
  const down = await downloadFrom(app, { pod: 'web', container: 'nginx', path: '/tmp/grow/app.log' });
  assert.is(down.status, 200, `the download was ${down.status === 0 ? 'cut' : down.status}: ${down.body.toString().slice(0, 300)}`);
  assert.is(String(down.body.length), down.headers.get('content-length'));
  assert.ok(down.body.subarray(0, 8000000).every((byte) => byte === 0x78), 'the file as it began');
});

test('a folder with such a file arrives as a whole archive', async () => {
  const down = await downloadFrom(app, { pod: 'web', container: 'nginx', path: '/tmp/grow' });
  assert.is(down.status, 200, `the download was ${down.status === 0 ? 'cut' : down.status}`);
  const names: string[] = [];
  const unzipped = gunzipSync(down.body);
  for await (const entry of readTar((async function* () { yield unzipped; })())) names.push(entry.name);
  assert.equal(names, ['grow/', 'grow/app.log']);
});

test.run();
