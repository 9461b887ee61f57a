// File transfers through the API against the sandbox: a file and a directory up and back with
// equal sha256, each transfer an exec action (audited, mode recorded, its bytes never in a
// terminal's scrollback), the errors a user meets (no tar, missing path, permission denied) as
// sentences, and a container whose tar lies makes the download fail cleanly (a name longer than
// PATH_MAX too, refused at once: checking a deep one used to hold the server for seconds).
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip, gunzipSync } from 'node:zlib';
import { call, StreamClient, startTestApp } from './support.ts';
import { waitFor } from '../support/wait.ts';
import { downloadFrom, filesUrl, runIn, sha256, uploadTo, withLyingTar } from './files-support.ts';
import { TransferRun } from '../../src/server/files/transfer-run.ts';
import { writeTar } from '../../src/files/tar-writer.ts';
import { localEntries } from '../../src/files/local-entries.ts';
import { extractTar } from '../../src/files/safe-extract.ts';
import { encodeHeader } from '../../src/files/tar-header.ts';
import { withTempDir } from '../support/temp-dir.ts';

const app = await startTestApp();
test.after(() => app.close());

/** GET `url` with the token: its status, the bytes that came, and whether the answer ended (false: cut). */
async function receivedBefore(url: string, headers: Record<string, string> = {}): Promise<{ status: number; bytes: Buffer; ended: boolean; trailers: NodeJS.Dict<string> }> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { ...headers, Authorization: `Bearer ${app.token}` } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (chunk: Buffer) => parts.push(chunk));
      res.on('error', () => {});
      res.on('close', () => resolve({ status: res.statusCode!, bytes: Buffer.concat(parts), ended: res.complete, trailers: res.trailers }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

test('a 3 MB file goes up and comes back with the same sha256; both are audited exec actions, closed once done', async () => {
  const data = randomBytes(3 * 1024 * 1024);
  const up = await uploadTo(app, { pod: 'web', container: 'nginx', path: '/tmp', name: 'random.bin' }, data);
  assert.is(up.status, 201, JSON.stringify(up.json));
  assert.is(up.json.bytes, data.length);
  const down = await downloadFrom(app, { pod: 'web', container: 'nginx', path: '/tmp/random.bin' });
  assert.is(down.status, 200);
  assert.is(down.headers.get('content-length'), String(data.length));
  assert.match(down.headers.get('content-disposition') ?? '', /attachment; filename="random.bin"/);
  assert.ok(down.headers.get('x-octant-exec-session'));
  assert.is(sha256(down.body), sha256(data));
  const records = (await call(app, '/api/v1/audit')).json.records as { sessionId: string; mode?: { kind: string; path: string }; outcome: unknown }[];
  const upRecord = records.find((r) => r.sessionId === up.json.sessionId);
  assert.equal(upRecord?.mode, { kind: 'upload', path: '/tmp' });
  assert.equal(upRecord?.outcome, { kind: 'exited', code: 0 });
  assert.equal(records.find((r) => r.sessionId === down.headers.get('x-octant-exec-session'))?.mode, { kind: 'download', path: '/tmp/random.bin' });
  const open = (await call(app, '/api/v1/sessions')).json.sessions.map((s: { sessionId: string }) => s.sessionId);
  assert.not.ok(open.includes(up.json.sessionId), 'a finished transfer leaves the terminals list');
  // its bytes never went to the stream hub: no scrollback was kept for it
  assert.is(app.hub.stats(down.headers.get('x-octant-exec-session')!), undefined);
  assert.is(app.hub.stats(up.json.sessionId), undefined);
});

test('closing a running download cancels it: the answer is cut short, its session ends', async () => {
  await runIn(app, 'web', 'nginx', ['sh', '-c', 'head -c 67108864 /dev/zero > /tmp/big.bin']);
  const res = await fetch(filesUrl(app, 'download', { pod: 'web', container: 'nginx', path: '/tmp/big.bin' }), { headers: { Authorization: `Bearer ${app.token}` } });
  assert.is(res.status, 200);
  const sessionId = res.headers.get('x-octant-exec-session')!;
  const row = (await call(app, '/api/v1/sessions')).json.sessions.find((s: { sessionId: string }) => s.sessionId === sessionId);
  assert.equal(row?.mode, { kind: 'download', path: '/tmp/big.bin' }, 'listed with its kind and path while it runs');
  assert.is((await call(app, `/api/v1/sessions/${sessionId}/close`, { method: 'POST' })).status, 200);
  let bytes = 0;
  await (async () => {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
  })().catch(() => undefined);
  assert.ok(bytes < 67108864, `${bytes} bytes arrived of a cancelled download`);
  const records = (await call(app, '/api/v1/audit')).json.records as { sessionId: string; outcome: { kind: string } }[];
  assert.is.not(records.find((r) => r.sessionId === sessionId)?.outcome.kind, 'exited');
});

test('a directory goes up as a tar and comes back as a .tar.gz of the same files', async () => {
  await withTempDir(async (dir) => {
    mkdirSync(join(dir, 'tree/sub'), { recursive: true });
    const big = randomBytes(200_000);
    writeFileSync(join(dir, 'tree/sub/big.bin'), big);
    writeFileSync(join(dir, 'tree/a.txt'), 'alpha');
    const tar = await collect(writeTar(localEntries(join(dir, 'tree'), 'tree')));
    const up = await uploadTo(app, { pod: 'web', container: 'sidecar', path: '/tmp' }, tar, 'application/x-tar');
    assert.is(up.status, 201, JSON.stringify(up.json));
    const down = await downloadFrom(app, { pod: 'web', container: 'sidecar', path: '/tmp/tree' });
    assert.is(down.status, 200);
    assert.match(down.headers.get('content-disposition') ?? '', /tree\.tar\.gz/);
    const out = join(dir, 'out');
    mkdirSync(out);
    await extractTar(Readable.from([down.body]).pipe(createGunzip()), out);
    assert.is(sha256(readFileSync(join(out, 'tree/sub/big.bin'))), sha256(big));
    assert.is(readFileSync(join(out, 'tree/a.txt'), 'utf8'), 'alpha');
  });
});

test('a transfer is no terminal: a page cannot attach to it', async () => {
  const up = await uploadTo(app, { pod: 'web', container: 'nginx', path: '/tmp', name: 'small.txt' }, Buffer.from('small'));
  const tab = await StreamClient.open(app);
  tab.send({ type: 'attach', sessionId: up.json.sessionId });
  const error = await tab.next('error', () => true, 'the refusal');
  assert.ok(error.code === 'notATerminal' || error.code === 'unknownSession', error.code);
  await tab.close();
});

test('no tar in the image: a 422 that offers a debug container', async () => {
  const down = await downloadFrom(app, { pod: 'distroless-app', path: '/etc/passwd' });
  assert.is(down.status, 422);
  assert.match(JSON.parse(down.body.toString()).error.message, /has no tar.*debug container/);
  const up = await uploadTo(app, { pod: 'distroless-app', path: '/tmp', name: 'x' }, Buffer.from('x'));
  assert.is(up.status, 422);
});

test('a missing path is a 404 that names it, up and down', async () => {
  const down = await downloadFrom(app, { pod: 'web', container: 'nginx', path: '/tmp/no-such-file' });
  assert.is(down.status, 404, down.body.toString());
  assert.match(JSON.parse(down.body.toString()).error.message, /"\/tmp\/no-such-file" does not exist/);
  const up = await uploadTo(app, { pod: 'web', container: 'nginx', path: '/no/such/dir', name: 'x' }, Buffer.from('x'));
  assert.is(up.status, 404, JSON.stringify(up.json));
});

test('HEAD says what a path is (a file and its length, or a folder) without its bytes; tar is stopped and its transfer leaves the list', async () => {
  await runIn(app, 'web', 'nginx', ['sh', '-c', 'mkdir -p /tmp/head-dir && head -c 67108864 /dev/zero > /tmp/head-dir/big.bin']);
  const head = async (path: string) => {
    const res = await fetch(filesUrl(app, 'download', { pod: 'web', container: 'nginx', path }), { method: 'HEAD', headers: { Authorization: `Bearer ${app.token}` } });
    return { status: res.status, type: res.headers.get('content-type'), length: res.headers.get('content-length'), session: res.headers.get('x-octant-exec-session'), body: await res.arrayBuffer() };
  };
  const file = await head('/tmp/head-dir/big.bin');
  // a symlink is followed, as `test -d` follows it
  await runIn(app, 'web', 'nginx', ['ln', '-sfn', 'head-dir', '/tmp/head-link']);
  assert.is((await head('/tmp/head-link')).type, 'application/gzip');
  assert.equal([file.status, file.type, file.length, file.body.byteLength], [200, 'application/octet-stream', '67108864', 0]);
  const folder = await head('/tmp/head-dir');
  assert.equal([folder.status, folder.type, folder.body.byteLength], [200, 'application/gzip', 0]);
  assert.is((await head('/tmp/head-dir/none')).status, 404);
  await waitFor(async () => {
    const open = (await call(app, '/api/v1/sessions')).json.sessions.map((s: { sessionId: string }) => s.sessionId);
    return !open.includes(file.session) && !open.includes(folder.session);
  }, 'both transfers to leave the list', 10_000);
  const records = (await call(app, '/api/v1/audit')).json.records as { sessionId: string; mode?: unknown; outcome?: unknown }[];
  assert.equal(records.find((r) => r.sessionId === folder.session)?.mode, { kind: 'download', path: '/tmp/head-dir', headersOnly: true });
  assert.equal(records.find((r) => r.sessionId === file.session)?.outcome, { kind: 'closed' }, 'tar was stopped, not left to send 64 MiB');
});

test('permission denied is a 403 that suggests a path the container may use', async () => {
  await runIn(app, 'web', 'nginx', ['sh', '-c', 'mkdir -p /tmp/locked && chmod 555 /tmp/locked']);
  const up = await uploadTo(app, { pod: 'web', container: 'nginx', path: '/tmp/locked', name: 'x' }, Buffer.from('x'));
  assert.is(up.status, 403, JSON.stringify(up.json));
  assert.match(up.json.error.message, /may not write "\/tmp\/locked".*\/tmp/);
});

test('a file where a folder is, or a folder where a file is: a 409 that says which and what to do', async () => {
  await runIn(app, 'web', 'nginx', ['sh', '-c', 'mkdir -p /tmp/full && echo x > /tmp/full/inside && echo y > /tmp/plain.txt']);
  const ontoFolder = await uploadTo(app, { pod: 'web', container: 'nginx', path: '/tmp', name: 'full' }, Buffer.from('x'));
  assert.is(ontoFolder.status, 409, JSON.stringify(ontoFolder.json));
  assert.match(ontoFolder.json.error.message, /would put a file where the container "nginx" of pod "web" has a folder, or a file that cannot be replaced \(a mounted one.*name the folder as the destination/);
  const underFile = await uploadTo(app, { pod: 'web', container: 'nginx', path: '/tmp/plain.txt', name: 'x' }, Buffer.from('x'));
  assert.is(underFile.status, 409, JSON.stringify(underFile.json));
  assert.match(underFile.json.error.message, /A file stands in the container "nginx" of pod "web" where "\/tmp\/plain.txt" needs a folder/);
});

test('bad input: a relative path, ".." parts, a name with "/", no name for a plain body, a misspelt parameter, a damaged tar', async () => {
  for (const [where, status] of [
    [{ pod: 'web', path: 'tmp' }, 400],
    [{ pod: 'web', path: '/tmp/../etc' }, 400],
    [{ pod: 'web', path: '/tmp', name: '../x' }, 400],
    [{ pod: 'web', path: '/tmp' }, 415],
  ] as const) {
    assert.is((await uploadTo(app, where, Buffer.from('x'))).status, status, JSON.stringify(where));
  }
  // a misspelt parameter is refused, not ignored: the files would go to the default container
  const misspelt = await fetch(`${filesUrl(app, 'upload', { pod: 'web', path: '/tmp', name: 'x' })}&contaner=sidecar`, { method: 'POST', headers: { Authorization: `Bearer ${app.token}` }, body: 'x' });
  assert.is(misspelt.status, 400);
  assert.match((await misspelt.json()).error.message, /^Unknown query parameter "contaner": this route takes namespace, pod, container, context, path, name\.$/);
  const downloadTypo = await fetch(`${filesUrl(app, 'download', { pod: 'web', path: '/etc/hostname' })}&name=x`, { headers: { Authorization: `Bearer ${app.token}` } });
  assert.is(downloadTypo.status, 400, 'name is an upload\'s');
  assert.match((await downloadTypo.json()).error.message, /Unknown query parameter "name"/);
  const damaged = await uploadTo(app, { pod: 'web', container: 'nginx', path: '/tmp' }, Buffer.alloc(1024, 1), 'application/x-tar');
  assert.is(damaged.status, 400);
  assert.match(damaged.json.error.message, /not a tar/);
});

test('a path tar archives nothing for (a socket: GNU tar only warns) is a 422 that says it is neither file nor folder', async () => {
  await withLyingTar(app, 'alpine-tools', 'tools', Buffer.alloc(1024), async () => {
    const down = await downloadFrom(app, { pod: 'alpine-tools', path: '/run/app.sock' });
    assert.is(down.status, 422, down.body.toString());
    assert.match(JSON.parse(down.body.toString()).error.message, /"\/run\/app.sock" is neither a file nor a directory .*a socket\?/);
  });
});

/** A tar whose entries escape, then one that claims more bytes than it has. */
function lyingTars(): Record<string, Buffer> {
  const end = Buffer.alloc(1024);
  const entry = (name: string, size: number, data: Buffer) => Buffer.concat([encodeHeader({ name, type: 'file', mode: 0o644, mtime: 0, size }), data, Buffer.alloc((512 - (data.length % 512)) % 512)]);
  return {
    'slip.tar': Buffer.concat([encodeHeader({ name: './lie', type: 'directory', mode: 0o755, mtime: 0, size: 0 }), entry('./lie/../../x', 1, Buffer.from('x')), end]),
    'short.tar': Buffer.concat([entry('./lie', 100_000, randomBytes(2048))]),
    'other.tar': Buffer.concat([entry('./elsewhere', 1, Buffer.from('x')), end]),
  };
}

test('a container whose tar lies (escaping names, a wrong size, another file) fails the download cleanly', async () => {
  for (const [name, stream] of Object.entries(lyingTars())) {
    await withLyingTar(app, 'alpine-tools', 'tools', stream, async () => {
      const down = await downloadFrom(app, { pod: 'alpine-tools', path: '/lie' });
      // a lie seen before the answer starts is a 502; one seen after it started cuts the connection (status 0)
      if (down.status !== 0) {
        assert.is(down.status, 502, `${name}: ${down.body}`);
        assert.match(JSON.parse(down.body.toString()).error.message, /cannot be trusted/);
      }
    });
  }
});

test('a whole-looking file from a tar that then fails (a file that shrank, padded with zeros) is cut short, never handed over as whole', async () => {
  const data = randomBytes(100_000);
  const stream = Buffer.concat([encodeHeader({ name: './lie', type: 'file', mode: 0o644, mtime: 0, size: data.length }), data, Buffer.alloc((512 - (data.length % 512)) % 512), Buffer.alloc(1024)]);
  await withLyingTar(app, 'alpine-tools', 'tools', stream, async () => {
    const down = await downloadFrom(app, { pod: 'alpine-tools', path: '/lie' });
    assert.is(down.status, 0, 'the answer was cut: the client cannot keep it as whole');
  }, 2);
  // the same stream from a tar that exits 0 arrives whole: the hold-back only waits for the verdict
  await withLyingTar(app, 'alpine-tools', 'tools', stream, async () => {
    const down = await downloadFrom(app, { pod: 'alpine-tools', path: '/lie' });
    assert.is(down.status, 200);
    assert.is(sha256(down.body), sha256(data));
  });
});

test('a directory from a tar that fails after writing it all: the answer is cut before the archive ends, so no client holds one that looks whole', async () => {
  const f = randomBytes(100_000);
  const stream = Buffer.concat([encodeHeader({ name: './lie/', type: 'directory', mode: 0o755, mtime: 0, size: 0 }), encodeHeader({ name: './lie/f', type: 'file', mode: 0o644, mtime: 0, size: f.length }), f, Buffer.alloc((512 - (f.length % 512)) % 512), Buffer.alloc(1024)]);
  await withLyingTar(app, 'alpine-tools', 'tools', stream, async () => {
    const got = await receivedBefore(filesUrl(app, 'download', { pod: 'alpine-tools', container: 'tools', path: '/lie' }));
    assert.is(got.status, 200);
    assert.is(got.ended, false, 'the answer was cut');
    // what arrived stops before gzip's trailer (and the tar's end): gunzip itself says it is not whole
    assert.throws(() => gunzipSync(got.bytes), /unexpected end of file/);
  }, 2);
});

test('a directory with a file tar may not read: a client taking trailers hears why after an archive left unfinished; any other is cut', async () => {
  await runIn(app, 'web', 'nginx', ['sh', '-c', 'mkdir -p /tmp/part && echo ok > /tmp/part/ok && echo s > /tmp/part/secret && chmod 000 /tmp/part/secret']);
  const url = filesUrl(app, 'download', { pod: 'web', container: 'nginx', path: '/tmp/part' });
  const told = await receivedBefore(url, { TE: 'trailers' });
  assert.is(told.status, 200);
  assert.ok(told.ended, 'the answer ended');
  assert.match(decodeURIComponent(told.trailers['x-octant-exec-failure'] ?? ''), /may not read all of "\/tmp\/part" as its user \(tar said: .*secret: Cannot open: Permission denied.*\): download what it may read\.$/);
  assert.throws(() => gunzipSync(told.bytes), /unexpected end of file/, 'the archive has no end: it never looks whole');
  const cut = await receivedBefore(url);
  assert.is(cut.ended, false, 'no trailers taken: cut, as before');
});

test("a container's entry name longer than PATH_MAX (a 50 KiB deep name) fails the download with a sentence that names it", async () => {
  const chunks: Uint8Array[] = [];
  for await (const chunk of writeTar([
    { name: './site', type: 'directory', mode: 0o755, mtime: 0 },
    { name: `./site/${'a/'.repeat(25_000)}f`, type: 'directory', mode: 0o755, mtime: 0 },
  ])) chunks.push(chunk);
  await withLyingTar(app, 'web', 'nginx', Buffer.concat(chunks), async () => {
    const got = await receivedBefore(filesUrl(app, 'download', { pod: 'web', container: 'nginx', path: '/tmp/site' }), { TE: 'trailers' });
    assert.is(got.status, 200);
    const said = decodeURIComponent(got.trailers['x-octant-exec-failure'] ?? '');
    assert.match(said, /^The container's tar stream cannot be trusted \(the tar entry "\.\/site\/a\/a\/[a/]{140,160}…" has a name of 5000\d bytes: longer than any path may be \(PATH_MAX, 4096 bytes\), so the stream is refused\): nothing was kept\.$/, said);
  });
});

test('a transfer closed while it still runs tells whoever waits for its end that it was cancelled (a download whose client left)', async () => {
  const run = new TransferRun(app.system, { namespace: 'default', pod: 'web', container: 'nginx' }, { requestedBy: 'test' }, { kind: 'download', path: '/tmp' }, ['sleep', '30']);
  await waitFor(() => app.system.io.isRunning(run.sessionId), 'the exec to run');
  run.close();
  const outcome = await Promise.race([run.ended, new Promise((resolve) => setTimeout(() => resolve('still waiting'), 10_000))]);
  assert.equal(outcome, { kind: 'ended', status: 409, message: 'The transfer was cancelled (its session was closed).' });
});

test('a client that goes away mid-upload stops tar: its session ends and leaves the list, audited as not finished', async () => {
  const { request } = await import('node:http');
  const req = request(filesUrl(app, 'upload', { pod: 'web', container: 'nginx', path: '/tmp', name: 'cut.bin' }), {
    method: 'POST',
    headers: { Authorization: `Bearer ${app.token}`, 'Content-Type': 'application/octet-stream', 'Content-Length': 10 * 2 ** 20 },
  });
  req.on('error', () => {});
  req.write(Buffer.alloc(2 ** 20));
  const row = await waitFor(async () => (await call(app, '/api/v1/sessions')).json.sessions.find((s: { mode?: { kind: string; path: string } }) => s.mode?.kind === 'upload'), 'the upload listed');
  req.destroy();
  await waitFor(async () => !(await call(app, '/api/v1/sessions')).json.sessions.some((s: { sessionId: string }) => s.sessionId === row.sessionId), 'the upload to leave the list');
  const record = (await call(app, '/api/v1/audit')).json.records.find((r: { sessionId: string }) => r.sessionId === row.sessionId);
  assert.ok(record, 'audited');
  assert.is.not(record.outcome?.kind === 'exited' && record.outcome.code === 0, true, JSON.stringify(record.outcome));
});

test('over SPDY too (kubectl 1.29 and older speak only SPDY): a file up and back with the same sha256', async () => {
  const spdy = await startTestApp({ execTransport: 'spdy' });
  try {
    const data = randomBytes(2 * 1024 * 1024);
    assert.is((await uploadTo(spdy, { pod: 'web', container: 'nginx', path: '/tmp', name: 'spdy.bin' }, data)).status, 201);
    const down = await downloadFrom(spdy, { pod: 'web', container: 'nginx', path: '/tmp/spdy.bin' });
    assert.is(sha256(down.body), sha256(data));
  } finally {
    await spdy.close();
  }
});

test.run();
