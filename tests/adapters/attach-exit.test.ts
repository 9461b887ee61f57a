// The attach adapter around a fake transport and a scripted container status: an attach's bare
// Success becomes the code the status gives for the run that was attached to (terminated now, or
// the last run's once the kubelet restarted it), and stays as it came when the status cannot
// tell; other ends, other requests and a close while it reads pass through as they are.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { FakeExecAdapter } from '../../src/adapters/fake-exec.ts';
import { AttachExitAdapter, attachedRunExit, type ContainerRun } from '../../src/adapters/attach-exit.ts';
import { containerRun } from '../../src/adapters/kubernetes/container-runs.ts';
import type { ExecEnd, ExecListener } from '../../src/adapters/exec.ts';
import type { V1Pod } from '@kubernetes/client-node';
import { waitFor } from '../support/wait.ts';

const target = { namespace: 'default', pod: 'console', container: 'console' };
const attach = { target, argv: [], tty: true, stdin: true, mode: { kind: 'attach' as const } };

/** A container status that answers each read with the next of `answers` (the last one over and over). */
function statuses(...answers: (ContainerRun | undefined | Error)[]) {
  const reads: number[] = [];
  return {
    reads,
    run: () => {
      const answer = answers[Math.min(reads.length, answers.length - 1)];
      reads.push(Date.now());
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
    },
  };
}

function listener() {
  const ended: ExecEnd[] = [];
  const l: ExecListener = { opened: () => {}, stdout: () => {}, stderr: () => {}, ended: (end) => ended.push(end) };
  return { ended, l };
}

async function attachThatExits(runs: ReturnType<typeof statuses>, withinMs = 2_000) {
  const transport = new FakeExecAdapter();
  const { ended, l } = listener();
  const stream = new AttachExitAdapter(transport, runs, withinMs).open(attach, l);
  transport.last().open().exit(0);
  return { ended, stream, transport };
}

test('the code of the run attached to: terminated now, or the last run once restarted', () => {
  assert.is(attachedRunExit({ restarts: 0 }, { restarts: 0, exitCode: 7 }), 7);
  assert.is(attachedRunExit({ restarts: 2 }, { restarts: 3, lastExitCode: 130 }), 130, 'restarted: the running one is a new run');
  assert.is(attachedRunExit({ restarts: 2 }, { restarts: 3, exitCode: 1, lastExitCode: 4 }), 4, 'restarted and ended again: the attached run is the last one');
  assert.is(attachedRunExit({ restarts: 0 }, { restarts: 0, lastExitCode: 3 }), undefined, 'an older run\'s code is not this one\'s');
});

test('by container ID where the status has one: a back-off (waiting, the count not grown) or a restart before the first read', () => {
  const x = 'containerd://x';
  const y = 'containerd://y';
  assert.is(attachedRunExit({ restarts: 3, containerId: x }, { restarts: 3, containerId: x, lastExitCode: 2, lastContainerId: x }), 2, 'CrashLoopBackOff: waiting, lastState is the attached run');
  assert.is(attachedRunExit({ restarts: 4, containerId: x }, { restarts: 4, containerId: y, lastExitCode: 2, lastContainerId: x }), 2, 'restarted already when the first read came');
  assert.is(attachedRunExit({ restarts: 4, containerId: y }, { restarts: 4, containerId: y, lastExitCode: 2, lastContainerId: x }), undefined, "lastState is an older run's");
  assert.is(attachedRunExit({ restarts: 0, containerId: x }, { restarts: 0, containerId: x, exitCode: 9 }), 9, 'terminated, the ID only at the status (the sandbox)');
});

test('a status read that never answers holds no end back: within the bound the Success stays', async () => {
  const never = { reads: [] as number[], run: () => (never.reads.push(Date.now()), new Promise<ContainerRun>(() => {})) };
  const { ended } = await attachThatExits(never, 300);
  await waitFor(() => ended.length > 0, 'the end, though no read answered', 5_000);
  assert.equal(ended, [{ kind: 'exited', code: 0 }]);
});

test('a Success becomes the status\'s code once the status says terminated', async () => {
  const runs = statuses({ restarts: 0 }, { restarts: 0 }, { restarts: 0, exitCode: 7 });
  const { ended } = await attachThatExits(runs);
  await waitFor(() => ended.length > 0, 'the end', 5_000);
  assert.equal(ended, [{ kind: 'exited', code: 7 }]);
  assert.is(runs.reads.length, 3, 'read at the open, then until it told');
});

test('a status that never tells leaves the Success as it came, within the bound', async () => {
  const runs = statuses({ restarts: 0 });
  const { ended } = await attachThatExits(runs, 300);
  await waitFor(() => ended.length > 0, 'the end', 5_000);
  assert.equal(ended, [{ kind: 'exited', code: 0 }]);
  assert.ok(runs.reads.length >= 2, 'it asked again after the end');
});

test('no status at the open (read refused, or none for the container): the Success stays, nothing is waited for', async () => {
  for (const first of [new Error('403 forbidden'), undefined]) {
    const runs = statuses(first, { restarts: 0, exitCode: 9 });
    const { ended } = await attachThatExits(runs);
    await waitFor(() => ended.length > 0, 'the end', 5_000);
    assert.equal(ended, [{ kind: 'exited', code: 0 }]);
    assert.is(runs.reads.length, 1);
  }
});

test('a close while the status is read ends the run as closed, once, and stops reading', async () => {
  const runs = statuses({ restarts: 0 });
  const { ended, stream } = await attachThatExits(runs, 60_000);
  await waitFor(() => runs.reads.length >= 2, 'a read after the end', 5_000);
  stream.close();
  assert.equal(ended, [{ kind: 'dropped', reason: 'closed' }]);
  const reads = runs.reads.length;
  await new Promise((resolve) => setTimeout(resolve, 400));
  assert.is(runs.reads.length, reads, 'no read after the close');
  assert.equal(ended.length, 1);
});

test('other ends, and requests that are not attaches, pass through untouched', async () => {
  const runs = statuses({ restarts: 0, exitCode: 7 });
  const transport = new FakeExecAdapter();
  const heard = listener();
  new AttachExitAdapter(transport, runs).open({ target, argv: ['sh'], tty: true, stdin: true }, heard.l);
  transport.last().open().exit(0);
  assert.equal(heard.ended, [{ kind: 'exited', code: 0 }]);
  for (const how of ['exit 3', 'fail', 'drop'] as const) {
    const { ended, l } = listener();
    new AttachExitAdapter(transport, runs).open(attach, l);
    const stream = transport.last().open();
    if (how === 'exit 3') stream.exit(3);
    else if (how === 'fail') stream.fail('connection');
    else stream.drop();
    await Promise.resolve();
    assert.is(ended.length, 1, how);
    assert.ok(ended[0].kind !== 'exited' || ended[0].code === 3, how);
  }
  assert.is(runs.reads.length, 3, 'only the attaches read the status, at their open');
});

test("the status is found in whichever list holds the container, with its restarts and codes", () => {
  const pod: V1Pod = {
    status: {
      containerStatuses: [{ name: 'app', image: '', imageID: '', ready: true, restartCount: 2, state: { running: {} }, lastState: { terminated: { exitCode: 137 } } }],
      ephemeralContainerStatuses: [{ name: 'debugger-x', image: '', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 5 } } }],
    },
  };
  assert.equal(containerRun(pod, 'app'), { restarts: 2, lastExitCode: 137 });
  assert.equal(containerRun(pod, 'debugger-x'), { restarts: 0, exitCode: 5 });
  assert.is(containerRun(pod, 'other'), undefined);
  const withIds: V1Pod = { status: { containerStatuses: [{ name: 'app', image: '', imageID: '', ready: false, restartCount: 1, containerID: 'containerd://b', state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 3, containerID: 'containerd://a' } } }] } };
  assert.equal(containerRun(withIds, 'app'), { restarts: 1, containerId: 'containerd://b', lastExitCode: 3, lastContainerId: 'containerd://a' });
});

test.run();
