// The sandbox's SPDY/3.1 exec transport on the wire, driven by our client session: protocol
// negotiation, the process starting only once every requested stream is open, stray streams,
// a resize stream cut anywhere, pings, the client going away, and a client that never finishes.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { Buffer } from 'node:buffer';
import { SpdySession } from '../../src/spdy/session.ts';
import type { SpdyStream } from '../../src/spdy/stream.ts';
import { createSpdyTransport } from '../../src/sandbox/transports/spdy-transport.ts';
import { startTestSandbox, type Sandbox } from '../support/sandbox.ts';
import { waitFor } from '../support/wait.ts';

const test = suite('sandbox SPDY/3.1 exec transport');
let sandbox: Sandbox & { scratch: string };

test.before(async () => {
  // short, for the client that never opens its streams (the last test), yet long enough for the
  // others to open theirs one reply at a time on a busy machine: at 500 ms they were dropped there
  sandbox = await startTestSandbox({ transportOverrides: { spdy: createSpdyTransport({ streamCreationTimeoutMs: 3000 }) } });
});
test.after(() => sandbox.close());

type Upgraded = { session: SpdySession; protocol: string } | { refused: number; body: string };

function upgrade(query: string, versions: string[]): Promise<Upgraded> {
  const { hostname, port } = new URL(sandbox.server);
  const request = https.request({
    hostname,
    port,
    method: 'POST',
    path: `/api/v1/namespaces/default/pods/web/exec?container=nginx&${query}`,
    ca: sandbox.caPem,
    headers: { Authorization: `Bearer ${sandbox.token}`, Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': versions },
  });
  return new Promise((resolve, reject) => {
    request.on('upgrade', (response: IncomingMessage, socket: Socket, head: Buffer) =>
      resolve({ session: new SpdySession(socket, { role: 'client', head }), protocol: String(response.headers['x-stream-protocol-version']) }),
    );
    request.on('response', (response: IncomingMessage) => {
      let body = '';
      response.on('data', (c: Buffer) => (body += c));
      response.on('end', () => resolve({ refused: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
    request.end();
  });
}

async function connected(query: string, versions = ['v5.channel.k8s.io', 'v4.channel.k8s.io']) {
  const result = await upgrade(query, versions);
  if ('refused' in result) throw new Error(`refused: ${result.refused} ${result.body}`);
  return result;
}

async function open(session: SpdySession, streamtype: string): Promise<SpdyStream> {
  const stream = session.openStream({ streamtype });
  stream.on('error', () => {});
  await stream.response;
  return stream;
}

const collect = (stream: SpdyStream) => {
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return () => Buffer.concat(chunks).toString();
};
const ended = (stream: SpdyStream) => new Promise<void>((resolve) => stream.on('end', resolve));

test('the highest offered of v5 and v4 is chosen; kubectl 1.27 offers v4 first', async () => {
  const v5 = await connected('command=true&stdout=true');
  assert.is(v5.protocol, 'v5.channel.k8s.io');
  v5.session.destroy();
  const v4 = await connected('command=true&stdout=true', ['v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io']);
  assert.is(v4.protocol, 'v4.channel.k8s.io');
  v4.session.destroy();
});

test('an offer without v4 or v5 is refused with a 400 Status before anything starts', async () => {
  const before = sandbox.execCount();
  const result = await upgrade('command=true&stdout=true', ['v3.channel.k8s.io', 'channel.k8s.io']);
  assert.ok('refused' in result);
  assert.is('refused' in result && result.refused, 400);
  assert.match('refused' in result ? result.body : '', 'unable to negotiate protocol');
  assert.is(sandbox.execCount(), before);
});

test('the process starts only once every requested stream is open, then status on the error stream', async () => {
  const before = sandbox.execCount();
  const { session } = await connected('command=sh&command=-c&command=cat%3Bexit%204&stdin=true&stdout=true&stderr=true');
  const error = await open(session, 'error');
  const stdin = await open(session, 'stdin');
  stdin.write('early input\n');
  const begun = sandbox.execsBegun();
  const stdout = await open(session, 'stdout');
  await session.ping(); // the server has handled every frame sent before the ping, stdout's SYN_STREAM included
  assert.is(sandbox.execsBegun(), begun, 'handed over before stderr was open');
  assert.is(sandbox.execCount(), before);
  const stderr = await open(session, 'stderr');
  assert.is(sandbox.execsBegun(), begun + 1, 'handed over with the last stream');
  await waitFor(() => sandbox.execCount() === before + 1, 'the process to start');
  const out = collect(stdout);
  collect(stderr);
  const status = collect(error);
  stdin.end();
  await Promise.all([ended(stdout), ended(stderr), ended(error)]);
  assert.is(out(), 'early input\n');
  assert.equal(JSON.parse(status()).details.causes, [{ reason: 'ExitCode', message: '4' }]);
  session.destroy();
});

test('a stream of an unknown or unrequested type is refused alone; pings are answered', async () => {
  const { session } = await connected('command=echo&command=hi&stdout=true');
  const stray = session.openStream({ streamtype: 'bogus' });
  const refused = new Promise<number | undefined>((resolve) => stray.on('close', () => resolve(stray.resetStatus)));
  stray.on('error', () => {});
  assert.is(await refused, 3); // RST_STREAM REFUSED_STREAM
  const error = await open(session, 'error');
  const stdout = await open(session, 'stdout');
  const out = collect(stdout);
  const status = collect(error);
  const done = Promise.all([ended(stdout), ended(error)]);
  assert.ok((await session.ping()) >= 0);
  await done;
  assert.is(out(), 'hi\n');
  assert.is(JSON.parse(status()).status, 'Success');
  session.destroy();
});

test('resize objects cut across DATA frames, several in one frame: the terminal gets the last size', async () => {
  const { session } = await connected('command=sh&command=-c&command=sleep%200.3%3B%20stty%20size&stdout=true&tty=true');
  const error = await open(session, 'error');
  const stdout = await open(session, 'stdout');
  const resize = await open(session, 'resize');
  const out = collect(stdout);
  collect(error);
  resize.write('{"Width":90,"He');
  resize.write('ight":20}{"Width":91,"Height":21}\n{"Width":92,');
  resize.write('"Height":22}\n');
  await ended(stdout);
  assert.match(out(), '22 92');
  session.destroy();
});

test('the client going away ends the whole process group', async () => {
  const groups = sandbox.liveProcessGroups().length;
  const { session } = await connected('command=sh&command=-c&command=sleep%2030%20%26%20sleep%2030&stdout=true');
  await open(session, 'error');
  await open(session, 'stdout');
  await waitFor(() => sandbox.liveProcessGroups().length === groups + 1, 'the process group');
  session.destroy();
  await waitFor(() => sandbox.liveProcessGroups().length === groups, 'the process group to end');
});

test('a client that never opens all its streams is dropped after the stream creation timeout, and nothing runs', async () => {
  const before = sandbox.execCount();
  const { session } = await connected('command=true&stdin=true&stdout=true');
  await open(session, 'error');
  await new Promise<void>((resolve) => session.on('close', () => resolve()));
  assert.is(sandbox.execCount(), before);
});

test.run();
