// When the client goes away (kubectl killed, socket dropped) or the pod is deleted, the exec's
// whole process group ends: nothing is left running in the sandbox.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { groupAlive, startKubectl, startTestSandbox } from '../support/sandbox.ts';
import { waitFor, withTimeout } from '../support/wait.ts';
import { openExec } from '../support/sandbox-exec-client.ts';

const sandbox = await startTestSandbox();
test.after(() => sandbox.close());

async function newGroup(before: number[]): Promise<number> {
  let pgid: number | undefined;
  await waitFor(() => (pgid = sandbox.liveProcessGroups().find((g) => !before.includes(g))) !== undefined, 'the exec to start', 15_000);
  return pgid!;
}

test('killing kubectl mid-stream ends the process group, children included', async () => {
  const before = sandbox.liveProcessGroups();
  // `sleep; echo` keeps sh waiting on a child, so ending only sh would leave sleep behind.
  const run = startKubectl(sandbox, '1.33', ['exec', 'web', '--', 'sh', '-c', 'sleep 300; echo never']);
  const pgid = await newGroup(before);
  run.child.kill('SIGKILL');
  await withTimeout(run.done, 10_000, 'kubectl to die');
  await waitFor(() => !groupAlive(pgid), `process group ${pgid} to end`, 10_000);
  assert.not.ok(sandbox.liveProcessGroups().includes(pgid));
});

test('a TTY exec whose socket drops ends its process group', async () => {
  const before = sandbox.liveProcessGroups();
  const session = await openExec(sandbox, { pod: 'web', container: 'nginx', command: ['sh', '-c', 'sleep 300'], stdin: true, tty: true, stderr: false });
  session.send(4, '{"Width":80,"Height":24}');
  const pgid = await newGroup(before);
  session.ws.terminate();
  await waitFor(() => !groupAlive(pgid), `process group ${pgid} to end`, 10_000);
});

test('deleting the pod ends its execs with SIGKILL (137) and a normal close', async () => {
  const before = sandbox.liveProcessGroups();
  const session = await openExec(sandbox, { namespace: 'batch', pod: 'worker-0', container: 'main', command: ['sleep', '300'] });
  const pgid = await newGroup(before);
  assert.ok(sandbox.deletePod('batch', 'worker-0'));
  const { code } = await withTimeout(session.closed, 10_000, 'the exec to end');
  assert.is(code, 1000);
  assert.equal((session.status()?.details as { causes: { message: string }[] }).causes[0].message, '137');
  await waitFor(() => !groupAlive(pgid), `process group ${pgid} to be gone`, 10_000);
});

test('close() ends every exec still running', async () => {
  const own = await import('../support/sandbox.ts').then((m) => m.startTestSandbox());
  const session = await openExec(own, { pod: 'web', container: 'nginx', command: ['sleep', '300'] });
  let pgid: number | undefined;
  await waitFor(() => (pgid = own.liveProcessGroups()[0]) !== undefined, 'the exec to start', 10_000);
  await own.close();
  await withTimeout(session.closed, 10_000, 'the socket to close');
  // Killed with its container; the last of it is reaped by this machine's init a moment later.
  await waitFor(() => !groupAlive(pgid!), `process group ${pgid} to be gone`, 10_000);
});

test.run();
