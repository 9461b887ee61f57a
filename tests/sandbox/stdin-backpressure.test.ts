// Exec stdin with backpressure: a process that does not read while its client writes 64 MiB
// makes the sandbox stop reading that client (WebSocket and SPDY alike), so the sandbox holds a
// bounded amount; once the process reads, every byte arrives. A paused client that goes away
// still ends its exec.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { Buffer } from 'node:buffer';
import { createHash, randomBytes } from 'node:crypto';
import { SpdySession } from '../../src/spdy/session.ts';
import type { SpdyStream } from '../../src/spdy/stream.ts';
import { PENDING_INPUT_LIMIT } from '../../src/sandbox/exec/stdin-flow.ts';
import { startTestSandbox, type Sandbox } from '../support/sandbox.ts';
import { execPath, openExec, runExec } from '../support/sandbox-exec-client.ts';
import { waitFor } from '../support/wait.ts';

const test = suite('sandbox exec stdin backpressure');
let sandbox: Sandbox & { scratch: string };
const nginx = { pod: 'web', container: 'nginx' };
const INPUT = randomBytes(64 << 20);
const INPUT_SHA = createHash('sha256').update(INPUT).digest('hex');
const CHUNK = 256 << 10;
/** what the sandbox may hold: input kept before the process starts, plus one client chunk */
const BOUND = PENDING_INPUT_LIMIT + CHUNK;

test.before(async () => {
  sandbox = await startTestSandbox({ heartbeatMs: 1_000 });
});
test.after(() => sandbox.close());

/** Says "ready", then waits (not reading stdin) until the test touches its go file, then hashes stdin. */
function waitingHasher(go: string): string[] {
  return ['sh', '-c', `echo ready; while [ ! -e ${go} ]; do sleep 0.05; done; sha256sum`];
}

async function letRead(go: string): Promise<void> {
  const touched = await runExec(sandbox, { ...nginx, command: ['touch', go] });
  assert.is(touched.status()?.status, 'Success');
}

/** Writes all the input, a chunk a turn: the sandbox runs in this process and must get turns too. */
async function writeInput(write: (chunk: Buffer) => void): Promise<void> {
  for (let at = 0; at < INPUT.length; at += CHUNK) {
    write(INPUT.subarray(at, at + CHUNK));
    await new Promise((resolve) => setImmediate(resolve));
  }
}

test('WebSocket: a process that does not read stops the client; every byte arrives once it reads', async () => {
  const go = `/tmp/go-ws-${process.pid}`;
  const session = await openExec(sandbox, { ...nginx, command: waitingHasher(go), stdin: true });
  await waitFor(() => session.stdout().includes('ready'), 'the process to start', 10_000);
  sandbox.resetStdinCounts();
  await writeInput((chunk) => session.send(0, chunk));
  session.send(255, new Uint8Array([0]));
  await waitFor(() => sandbox.stdinPauses() > 0, 'the sandbox to stop reading the client', 20_000);
  assert.ok(session.ws.bufferedAmount > 0, 'the client is held back while the process does not read');
  await letRead(go);
  const { code } = await session.closed;
  assert.is(code, 1000);
  assert.is(session.status()?.status, 'Success');
  assert.is(session.stdout().replace('ready\n', '').split(' ')[0], INPUT_SHA);
  assert.ok(sandbox.peakStdinHeld() <= BOUND, `the sandbox held ${sandbox.peakStdinHeld()} bytes of stdin at most; bound ${BOUND}`);
});

test('SPDY: a process that does not read stops the client; every byte arrives once it reads', async () => {
  const go = `/tmp/go-spdy-${process.pid}`;
  const session = await spdyExec(execPath({ ...nginx, command: waitingHasher(go), stdin: true }));
  const error = await open(session, 'error');
  const stdin = await open(session, 'stdin');
  const stdout = await open(session, 'stdout');
  await open(session, 'stderr');
  const out: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  const status: Buffer[] = [];
  error.on('data', (c: Buffer) => status.push(c));
  const statusEnded = new Promise<void>((resolve) => error.on('end', resolve));
  await waitFor(() => Buffer.concat(out).toString().includes('ready'), 'the process to start', 10_000);
  sandbox.resetStdinCounts();
  await writeInput((chunk) => stdin.write(chunk));
  stdin.end();
  await waitFor(() => sandbox.stdinPauses() > 0, 'the sandbox to stop reading the client', 20_000);
  assert.ok(stdin.writableLength > 0, 'the client is held back while the process does not read');
  await letRead(go);
  await statusEnded;
  assert.is(JSON.parse(Buffer.concat(status).toString()).status, 'Success');
  assert.is(Buffer.concat(out).toString().replace('ready\n', '').split(' ')[0], INPUT_SHA);
  assert.ok(sandbox.peakStdinHeld() <= BOUND, `the sandbox held ${sandbox.peakStdinHeld()} bytes of stdin at most; bound ${BOUND}`);
  session.destroy();
});

test('a held-back WebSocket client that goes away still ends its exec', async () => {
  const session = await openExec(sandbox, { ...nginx, command: ['sh', '-c', 'echo ready; exec sleep 300'], stdin: true });
  await waitFor(() => session.stdout().includes('ready'), 'the process to start', 10_000);
  const groups = sandbox.liveProcessGroups().length;
  sandbox.resetStdinCounts();
  await writeInput((chunk) => session.send(0, chunk));
  await waitFor(() => sandbox.stdinPauses() > 0, 'the sandbox to stop reading the client', 20_000);
  session.ws.terminate();
  await waitFor(() => sandbox.liveProcessGroups().length < groups, 'the exec to end once its client is gone', 10_000);
});

function spdyExec(path: string): Promise<SpdySession> {
  const { hostname, port } = new URL(sandbox.server);
  const request = https.request({
    hostname,
    port,
    method: 'POST',
    path,
    ca: sandbox.caPem,
    headers: { Authorization: `Bearer ${sandbox.token}`, Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'v5.channel.k8s.io' },
  });
  return new Promise((resolve, reject) => {
    request.on('upgrade', (_response: IncomingMessage, socket: Socket, head: Buffer) => resolve(new SpdySession(socket, { role: 'client', head })));
    request.on('response', (response: IncomingMessage) => reject(new Error(`SPDY upgrade refused: ${response.statusCode}`)));
    request.on('error', reject);
    request.end();
  });
}

async function open(session: SpdySession, streamtype: string): Promise<SpdyStream> {
  const stream = session.openStream({ streamtype });
  stream.on('error', () => {});
  await stream.response;
  return stream;
}

test.run();
