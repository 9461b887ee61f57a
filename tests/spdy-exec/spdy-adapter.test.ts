// octant-exec's own SPDY/3.1 exec adapter against the sandbox: exit codes, streams, stdin EOF,
// 5 MB both ways, an interactive session with resize, refusals, pause/resume, close, faults.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash, randomBytes } from 'node:crypto';
import { KubeContexts } from '../../src/adapters/kubernetes/kubeconfig.ts';
import { SpdyExecAdapter } from '../../src/adapters/kubernetes/spdy-exec.ts';
import { startTestSandbox, type Sandbox } from '../support/sandbox.ts';
import { waitFor } from '../support/wait.ts';
import { runExec } from '../support/exec-run.ts';

const test = suite('SPDY/3.1 exec adapter');
let sandbox: Sandbox & { scratch: string };
let adapter: SpdyExecAdapter;

test.before(async () => {
  sandbox = await startTestSandbox();
  adapter = new SpdyExecAdapter(KubeContexts.fromFile(sandbox.kubeconfigPath));
});
test.after(() => sandbox.close());
test.after.each(() => sandbox.setFaults([]));

const text = (s: string) => new TextEncoder().encode(s);
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

test('the exit code comes back, stdout and stderr stay apart, over v5 on SPDY', async () => {
  const before = sandbox.execCount();
  const r = runExec(adapter, { argv: ['sh', '-c', 'echo to-out; echo to-err >&2; exit 3'] });
  assert.equal(await r.ended, { kind: 'exited', code: 3 });
  assert.is(r.stdout().toString(), 'to-out\n');
  assert.is(r.stderr(), 'to-err\n');
  assert.is(r.protocol(), 'v5.channel.k8s.io over SPDY/3.1');
  assert.is(sandbox.execCount(), before + 1);
});

test('exit 0 is Success', async () => {
  assert.equal(await runExec(adapter, { argv: ['true'] }).ended, { kind: 'exited', code: 0 });
});

test('stdin EOF (the stdin stream FIN) reaches the process: wc -l counts 2, written before the stream opened', async () => {
  const r = runExec(adapter, { argv: ['wc', '-l'], stdin: true });
  r.stream.write(text('a\nb\n'));
  r.stream.closeStdin();
  assert.equal(await r.ended, { kind: 'exited', code: 0 });
  assert.is(r.stdout().toString().trim(), '2');
});

test('5 MB of random bytes come back through cat unchanged', async () => {
  const data = randomBytes(5 * 1024 * 1024);
  const r = runExec(adapter, { argv: ['cat'], stdin: true }, (s) => {
    for (let at = 0; at < data.length; at += 64 * 1024) s.write(data.subarray(at, at + 64 * 1024));
    s.closeStdin();
  });
  assert.equal(await r.ended, { kind: 'exited', code: 0 });
  assert.is(r.stdout().length, data.length);
  assert.is(sha(r.stdout()), sha(data));
});

test('an interactive session sees its size, follows a resize and exits with its code', async () => {
  const r = runExec(adapter, { argv: ['sh'], tty: true, stdin: true, size: { cols: 100, rows: 30 } }, (s) => s.write(text('stty size\n')));
  await waitFor(() => /30 100/.test(r.stdout().toString()), '"30 100" from stty size');
  r.stream.resize({ cols: 120, rows: 40 });
  r.stream.write(text('stty size\n'));
  await waitFor(() => /40 120/.test(r.stdout().toString()), '"40 120" after the resize');
  r.stream.write(text('exit 5\n'));
  assert.equal(await r.ended, { kind: 'exited', code: 5 });
  assert.is(r.stderr(), '');
});

test('an RBAC refusal of the upgrade is a forbidden failure with the HTTP code, and nothing runs', async () => {
  const before = sandbox.execCount();
  const r = runExec(adapter, { target: { namespace: 'restricted', pod: 'secret-db', container: 'db' }, argv: ['id'] });
  const end = await r.ended;
  assert.is(end.kind === 'failed' && end.failure.reason, 'forbidden');
  assert.is(end.kind === 'failed' && end.upgradeRefused, 403);
  assert.match(end.kind === 'failed' ? end.failure.message : '', 'cannot create resource "pods/exec"');
  assert.is(sandbox.execCount(), before);
});

test('a crash-looping container and a missing shell fail with what the cluster said', async () => {
  const crash = await runExec(adapter, { target: { namespace: 'default', pod: 'crashloop', container: 'app' }, argv: ['sh'] }).ended;
  assert.is(crash.kind === 'failed' && crash.failure.reason, 'containerNotRunning');
  const shellless = await runExec(adapter, { target: { namespace: 'default', pod: 'distroless-app', container: 'app' }, argv: ['sh'] }).ended;
  assert.is(shellless.kind === 'failed' && shellless.failure.reason, 'commandNotFound');
});

test('pause holds the output back (TCP backpressure), resume delivers all of it', async () => {
  const total = 4 * 1024 * 1024;
  const r = runExec(adapter, { argv: ['head', '-c', String(total), '/dev/zero'] }, (s) => s.pause());
  // paused: what arrives levels off (socket and stream buffers full), well short of the total
  let seen = -1;
  let since = Date.now();
  await waitFor(() => {
    if (r.stdout().length !== seen) [seen, since] = [r.stdout().length, Date.now()];
    return Date.now() - since > 300;
  }, 'the output to level off while paused');
  const whilePaused = r.stdout().length;
  assert.ok(whilePaused < total, `${whilePaused} bytes arrived while paused`);
  r.stream.resume();
  assert.equal(await r.ended, { kind: 'exited', code: 0 });
  assert.is(r.stdout().length, total);
});

test('close() ends the exec once, as dropped "closed", and the sandbox ends the process group', async () => {
  const groups = sandbox.liveProcessGroups().length;
  const r = runExec(adapter, { argv: ['sleep', '30'] });
  await waitFor(() => sandbox.liveProcessGroups().length > groups, 'sleep to start');
  r.stream.close();
  assert.equal(await r.ended, { kind: 'dropped', reason: 'closed' });
  await waitFor(() => sandbox.liveProcessGroups().length === groups, 'the process group to end');
});

test('a connection dropped by the cluster mid-output is reported as dropped', async () => {
  sandbox.setFaults([{ pod: 'web', dropAfterBytes: 10_000 }]);
  const r = runExec(adapter, { argv: ['head', '-c', '1000000', '/dev/zero'] });
  const end = await r.ended;
  assert.is(end.kind, 'dropped');
  assert.ok(r.stdout().length <= 10_000);
});

test('a stalled connection (no data, no ping answers) is dropped by the liveness check', async () => {
  sandbox.setFaults([{ pod: 'web', stallAfterMs: 100, stallForMs: 20_000 }]);
  const quick = new SpdyExecAdapter(KubeContexts.fromFile(sandbox.kubeconfigPath), { pingIntervalMs: 100, deadAfterMs: 600 });
  const r = runExec(quick, { argv: ['sleep', '30'] });
  const end = await r.ended;
  assert.is(end.kind, 'dropped');
  assert.match(end.kind === 'dropped' ? end.reason : '', 'no answer from the cluster');
});

test.run();
