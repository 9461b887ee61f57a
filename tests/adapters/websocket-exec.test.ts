// The project's client-node WebSocket adapter against the sandbox cluster.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import type { ExecEnd, ExecRequest, ExecStream } from '../../src/adapters/exec.ts';
import { KubeContexts } from '../../src/adapters/kubernetes/kubeconfig.ts';
import { WebSocketExecAdapter } from '../../src/adapters/kubernetes/websocket-exec.ts';
import { startTestSandbox, type Sandbox } from '../support/sandbox.ts';
import { runExec } from '../support/exec-run.ts';
import { waitFor } from '../support/wait.ts';

const test = suite('client-node WebSocket exec adapter');
let sandbox: Sandbox & { scratch: string };
let adapter: WebSocketExecAdapter;

test.before(async () => {
  sandbox = await startTestSandbox();
  adapter = new WebSocketExecAdapter(KubeContexts.fromFile(sandbox.kubeconfigPath));
});
test.after(() => sandbox.close());

const run = (request: Partial<ExecRequest> & { argv: string[] }, onOpen?: (stream: ExecStream) => void) => runExec(adapter, request, onOpen);

test('stdout and stderr stay apart, and the exit code comes back', async () => {
  const r = run({ argv: ['sh', '-c', 'echo to-out; echo to-err >&2; exit 3'] });
  assert.equal(await r.ended, { kind: 'exited', code: 3 });
  assert.is(r.stdout().toString(), 'to-out\n');
  assert.is(r.stderr(), 'to-err\n');
  assert.is(r.protocol(), 'v5.channel.k8s.io');
});

test('stdin EOF reaches the process (v5 close frame)', async () => {
  const r = run({ argv: ['wc', '-l'], stdin: true }, (s) => {
    s.write(new TextEncoder().encode('a\nb\n'));
    s.closeStdin();
  });
  assert.equal(await r.ended, { kind: 'exited', code: 0 });
  assert.is(r.stdout().toString().trim(), '2');
});

test('5 MB of random bytes through cat come back unchanged', async () => {
  const data = randomBytes(5 * 1024 * 1024);
  const r = run({ argv: ['cat'], stdin: true }, (s) => {
    for (let i = 0; i < data.length; i += 64 * 1024) s.write(data.subarray(i, i + 64 * 1024));
    s.closeStdin();
  });
  assert.equal(await r.ended, { kind: 'exited', code: 0 });
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  assert.is(r.stdout().length, data.length);
  assert.is(sha(r.stdout()), sha(data));
});

test('a TTY starts at the requested size and follows resizes', async () => {
  const r = run({ argv: ['sh'], tty: true, stdin: true, size: { cols: 91, rows: 17 } }, (s) => s.write(new TextEncoder().encode('stty size\r')));
  await waitFor(() => /17 91/.test(r.stdout().toString()), 'the first size');
  r.stream.resize({ cols: 120, rows: 33 });
  r.stream.write(new TextEncoder().encode('stty size\r'));
  await waitFor(() => /33 120/.test(r.stdout().toString()), 'the new size');
  r.stream.write(new TextEncoder().encode('exit 9\r'));
  assert.equal(await r.ended, { kind: 'exited', code: 9 });
});

test('bad names fail before any request, as not found with the rule', async () => {
  const before = sandbox.execCount();
  const r = run({ argv: ['id'], target: { namespace: 'default', pod: '../etc', container: 'nginx' } });
  const end = await r.ended;
  assert.is(end.kind === 'failed' && end.failure.reason, 'notFound');
  assert.is(sandbox.execCount(), before);
});

test('an unreachable cluster is a connection failure naming the server', async () => {
  const config = new KubeConfig();
  config.loadFromString(readFileSync(sandbox.kubeconfigPath, 'utf8').replace(sandbox.server, 'https://127.0.0.1:9'));
  const closedPort = new WebSocketExecAdapter(new KubeContexts(config));
  const end = await new Promise<ExecEnd>((resolve) =>
    closedPort.open({ target: { namespace: 'default', pod: 'web', container: 'nginx' }, argv: ['id'], tty: false, stdin: false }, { opened() {}, stdout() {}, stderr() {}, ended: resolve }),
  );
  assert.is(end.kind === 'failed' && end.failure.reason, 'connection');
  assert.match(end.kind === 'failed' ? end.failure.message : '', /127\.0\.0\.1:9/);
});

test('closing ends the exec and reports it once', async () => {
  let ends = 0;
  const r = run({ argv: ['sleep', '300'] });
  await waitFor(() => r.protocol(), 'open');
  r.ended.then(() => ends++);
  r.stream.close();
  r.stream.close();
  assert.equal(await r.ended, { kind: 'dropped', reason: 'closed' });
  await waitFor(() => sandbox.liveProcessGroups().length === 0, 'the process ended');
  assert.is(ends, 1);
});

test.run();
