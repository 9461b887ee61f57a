// An upload of one file (the page's, with `name=`; `octant-exec cp` of a file, a tar whose first
// entry is a file at its top) replaces DIR/NAME only once all of it has come: tar writes it under
// a staged name beside it, and `mv -f -T` renames it into place (src/server/files/staged-file.ts).
// Before, tar wrote straight to DIR/NAME, and an upload cut part-way (Cancel, a dropped connection)
// left a short file where the good one was. What worked stays: a name starting with "-", a symlink
// at the destination replaced (not followed), two uploads at once (one wins whole), mode 0644, the
// refusals; no staged file is left. An image with tar but no mv says so and changes nothing. A
// folder's upload is still written in place: cancelled, its sentence says the folder may hold part
// of it. A compressed body (Content-Encoding) and `name=` beside a tar body are refused.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { encodeHeader } from '../../src/files/tar-header.ts';
import { call, startTestApp, type TestApp } from '../server/support.ts';
import { downloadFrom, filesUrl, runIn, uploadTo, type Where } from '../server/files-support.ts';
import { waitFor } from '../support/wait.ts';

const test = suite('an upload replaces a file only once all of it has come', { deadlineMs: 120_000 });

const app = await startTestApp();
test.after(() => app.close());

const SIZE = 4 * 2 ** 20;
const GOOD = Buffer.alloc(SIZE, 0x41);
const NO_STAGED = 'for f in /tmp/.octant-exec-upload-*; do [ -e "$f" ] && exit 1; done; exit 0';
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Whether `script` exits 0 in the container. */
const holds = (on: TestApp, script: string, pod = 'web', container = 'nginx') => runIn(on, pod, container, ['sh', '-c', script]).then(
  () => true,
  () => false,
);

const uploads = async (on: TestApp) => ((await call(on, '/api/v1/sessions')).json.sessions as { sessionId: string; mode?: { kind: string } }[]).filter((s) => s.mode?.kind === 'upload');

/**
 * Starts an upload of `first` (a body announced longer), waits until its bytes are in a file of
 * /tmp (its first byte a "B": the file tar writes, whatever its name), then cuts the connection,
 * as a Cancel in the page or a dropped connection does; resolves once the server is done with it.
 */
async function cutAfter(where: Where, headers: Record<string, string | number>, first: Buffer): Promise<void> {
  const req = request(filesUrl(app, 'upload', where), { method: 'POST', headers: { Authorization: `Bearer ${app.token}`, ...headers } });
  req.on('error', () => {});
  req.write(first);
  await waitFor(() => holds(app, `for f in /tmp/.octant-exec-upload-* /tmp/${where.name}; do [ "$(head -c 1 "$f" 2>/dev/null)" = B ] && exit 0; done; exit 1`), 'the new bytes written in the container');
  req.destroy();
  await waitFor(async () => (await uploads(app)).length === 0 && (await holds(app, NO_STAGED)), 'the upload ended and its staged file removed');
}

test('a single file\'s upload cut part-way leaves the file it was to replace as it was', async () => {
  const where = { pod: 'web', container: 'nginx', path: '/tmp', name: 'config.bin' };
  assert.is((await uploadTo(app, where, GOOD)).status, 201);
  await cutAfter(where, { 'Content-Type': 'application/octet-stream', 'Content-Length': SIZE }, Buffer.alloc(2 ** 20, 0x42));
  const after = await downloadFrom(app, { ...where, name: undefined, path: '/tmp/config.bin' });
  assert.is(after.body.length, SIZE, 'the whole earlier file, not a short one');
  assert.is(sha(after.body), sha(GOOD));
});

test('octant-exec cp of one file (a tar of it) cut part-way leaves the earlier file as it was', async () => {
  const where = { pod: 'web', container: 'nginx', path: '/tmp', name: 'cp.bin' };
  assert.is((await uploadTo(app, where, GOOD)).status, 201);
  const header = encodeHeader({ name: 'cp.bin', type: 'file', mode: 0o644, size: SIZE, mtime: 0 });
  await cutAfter({ ...where, name: undefined }, { 'Content-Type': 'application/x-tar', 'Transfer-Encoding': 'chunked' }, Buffer.concat([header, Buffer.alloc(2 ** 20, 0x42)]));
  const after = await downloadFrom(app, { pod: 'web', container: 'nginx', path: '/tmp/cp.bin' });
  assert.is(sha(after.body), sha(GOOD), `${after.body.length} bytes there`);
});

test('what worked stays: a name starting with "-", a symlink at the destination replaced, mode 0644, two at once', async () => {
  await runIn(app, 'web', 'nginx', ['sh', '-c', 'mkdir -p /tmp/realdir && ln -sfn /tmp/realdir /tmp/dirlink && printf "#!/bin/sh\\n" > /tmp/run.sh && chmod 755 /tmp/run.sh']);
  assert.is((await uploadTo(app, { pod: 'web', container: 'nginx', path: '/tmp', name: '-rf' }, Buffer.from('dash'))).status, 201);
  assert.is((await downloadFrom(app, { pod: 'web', container: 'nginx', path: '/tmp/-rf' })).body.toString(), 'dash');
  assert.is((await uploadTo(app, { pod: 'web', container: 'nginx', path: '/tmp', name: 'dirlink' }, Buffer.from('over'))).status, 201);
  assert.ok(await holds(app, '[ -f /tmp/dirlink ] && [ ! -L /tmp/dirlink ] && [ -z "$(ls -A /tmp/realdir)" ]'), 'the symlink replaced by the file, nothing put in the folder it pointed to');
  assert.is((await uploadTo(app, { pod: 'web', container: 'nginx', path: '/tmp', name: 'run.sh' }, Buffer.from('#!/bin/sh\necho v2\n'))).status, 201);
  assert.ok(await holds(app, '[ "$(stat -c %a /tmp/run.sh)" = 644 ]'), 'an upload over a file gives it mode 0644 (docs/api.md says so)');
  const a = randomBytes(SIZE);
  const b = randomBytes(SIZE);
  const [ra, rb] = await Promise.all([uploadTo(app, { pod: 'web', container: 'nginx', path: '/tmp', name: 'same.bin' }, a), uploadTo(app, { pod: 'web', container: 'nginx', path: '/tmp', name: 'same.bin' }, b)]);
  assert.equal([ra.status, rb.status], [201, 201]);
  const got = sha((await downloadFrom(app, { pod: 'web', container: 'nginx', path: '/tmp/same.bin' })).body);
  assert.ok(got === sha(a) || got === sha(b), 'one of the two, whole');
  assert.ok(await holds(app, NO_STAGED), 'no staged file left');
});

test('the refusals stay, and leave no staged file: onto a folder 409, a missing folder 404, a folder it may not write 403', async () => {
  await runIn(app, 'web', 'nginx', ['sh', '-c', 'mkdir -p /tmp/full /tmp/locked && echo x > /tmp/full/inside && chmod 555 /tmp/locked']);
  const ontoFolder = await uploadTo(app, { pod: 'web', container: 'nginx', path: '/tmp', name: 'full' }, Buffer.from('x'));
  assert.is(ontoFolder.status, 409, JSON.stringify(ontoFolder.json));
  assert.match(ontoFolder.json.error.message, /would put a file where the container "nginx" of pod "web" has a folder.* "full" in "\/tmp" was left as it was\.$/);
  assert.is((await uploadTo(app, { pod: 'web', container: 'nginx', path: '/no/such', name: 'x' }, Buffer.from('x'))).status, 404);
  assert.is((await uploadTo(app, { pod: 'web', container: 'nginx', path: '/tmp/locked', name: 'x' }, Buffer.from('x'))).status, 403);
  assert.ok(await holds(app, NO_STAGED));
  assert.ok(await holds(app, '[ -f /tmp/full/inside ]'), 'the folder as it was');
});

test('a compressed body is refused (it would be stored compressed), as is name= beside a tar', async () => {
  const zipped = await fetch(filesUrl(app, 'upload', { pod: 'web', container: 'nginx', path: '/tmp', name: 'notes.txt' }), {
    method: 'POST',
    headers: { Authorization: `Bearer ${app.token}`, 'Content-Type': 'text/plain', 'Content-Encoding': 'gzip' },
    body: gzipSync(Buffer.from('hello\n'.repeat(1000))),
  });
  assert.is(zipped.status, 415);
  assert.match((await zipped.json()).error.message, /Content-Encoding: gzip, which the server does not undo .*send the bytes as they are/);
  const named = await uploadTo(app, { pod: 'web', container: 'nginx', path: '/tmp', name: 'x' }, Buffer.alloc(1024), 'application/x-tar');
  assert.is(named.status, 400);
  assert.match(named.json.error.message, /a tar names its own entries, so name= would be ignored: leave it out/);
});

test('a folder\'s upload cancelled part-way says the folder may hold part of it', async () => {
  const req = request(filesUrl(app, 'upload', { pod: 'web', container: 'nginx', path: '/tmp' }), { method: 'POST', headers: { Authorization: `Bearer ${app.token}`, 'Content-Type': 'application/x-tar', 'Transfer-Encoding': 'chunked' } });
  req.on('error', () => {});
  const answer = new Promise<{ status: number; body: string }>((resolve) =>
    req.once('response', (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    }),
  );
  req.write(Buffer.concat([encodeHeader({ name: 'tree/', type: 'directory', mode: 0o755, size: 0, mtime: 0 }), encodeHeader({ name: 'tree/a.bin', type: 'file', mode: 0o644, size: SIZE, mtime: 0 }), Buffer.alloc(2 ** 20)]));
  const [row] = await waitFor(async () => {
    const listed = await uploads(app);
    return listed.length > 0 && listed;
  }, 'the upload listed');
  await call(app, `/api/v1/sessions/${row.sessionId}/close`, { method: 'POST' });
  const { status, body } = await answer;
  req.destroy();
  assert.is(status, 409, body);
  assert.match(JSON.parse(body).error.message, /^The transfer was cancelled \(its session was closed\)\. What tar had written of the upload stays: "\/tmp" may hold part of it\.$/);
});

test('an image with tar but no mv: a 422 that says so, the destination as it was, nothing staged left', async () => {
  const bare = await startTestApp({ sandboxOptions: { fixture: { namespaces: [{ name: 'default', pods: [{ name: 'bare', containers: [{ name: 'app', image: 'scratch-with-tar', shells: ['sh'], tools: ['rm', 'cat'] }] }] }] } } });
  try {
    await runIn(bare, 'bare', 'app', ['sh', '-c', 'echo old > /tmp/keep']);
    const up = await uploadTo(bare, { pod: 'bare', path: '/tmp', name: 'keep' }, Buffer.from('new\n'));
    assert.is(up.status, 422, JSON.stringify(up.json));
    assert.match(up.json.error.message, /^The container "app" of pod "bare" has tar but no mv that takes -T .*"\/tmp\/keep" was left as it was\. Copy through a debug container/);
    assert.ok(await holds(bare, 'read l < /tmp/keep; [ "$l" = old ]', 'bare', 'app'), 'the file as it was');
    assert.ok(await holds(bare, NO_STAGED, 'bare', 'app'), 'the staged file removed');
  } finally {
    await bare.close();
  }
});

test.run();
