// The debug adapter around a fake transport and fake pod changes, and through the actor system:
// which container and which way (attach or exec) each run opens, what is kept while the debug
// container starts, refusals, and the log's record of which debug container a run used.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { FakeExecAdapter } from '../../src/adapters/fake-exec.ts';
import { DebugExecAdapter } from '../../src/adapters/debug-exec.ts';
import { ClusterError } from '../../src/adapters/cluster.ts';
import type { ExecAdapter, ExecEnd, ExecListener, ExecRequest, PreparedNote } from '../../src/adapters/exec.ts';
import type { DebugContainer, DebugContainerRequest } from '../../src/adapters/pod-changes.ts';
import { ExecSystem } from '../../src/runtime/exec-system.ts';
import { MemoryStore } from '../../src/events/store.ts';
import { VirtualClock } from '../../src/runtime/clock.ts';
import { settle, shellIn, t0 } from '../support/system.ts';

const target = { namespace: 'default', pod: 'distroless-app', container: 'app' };
const request = { target, argv: ['sh'], tty: true, stdin: true, mode: { kind: 'debug' as const, image: 'busybox:1.36' } };

/** Pod changes that answer when the test says. */
function pendingPods() {
  const asked: DebugContainerRequest[] = [];
  let answer: { resolve(c: DebugContainer): void; reject(e: unknown): void } | undefined;
  return {
    asked,
    debugContainer(request: DebugContainerRequest) {
      asked.push(request);
      return new Promise<DebugContainer>((resolve, reject) => (answer = { resolve, reject }));
    },
    ready: (container: DebugContainer) => answer!.resolve(container),
    refuse: (error: unknown) => answer!.reject(error),
  };
}

function listener() {
  const heard: { opened: { protocol: string; prepared?: PreparedNote }[]; ended: ExecEnd[] } = { opened: [], ended: [] };
  const l: ExecListener = { opened: (protocol, prepared) => heard.opened.push({ protocol, ...(prepared ? { prepared } : {}) }), stdout: () => {}, stderr: () => {}, ended: (end) => heard.ended.push(end) };
  return { heard, l };
}

test('a plain exec passes through untouched', () => {
  const transport = new FakeExecAdapter();
  const pods = pendingPods();
  new DebugExecAdapter(transport, pods).open({ target, argv: ['ls'], tty: false, stdin: false }, listener().l);
  assert.is(pods.asked.length, 0);
  assert.equal(transport.last().request, { target, argv: ['ls'], tty: false, stdin: false });
});

test('a debug container added for the run is attached to; keystrokes and a resize sent meanwhile arrive in order', async () => {
  const transport = new FakeExecAdapter();
  const pods = pendingPods();
  const { heard, l } = listener();
  const stream = new DebugExecAdapter(transport, pods).open(request, l);
  assert.equal(pods.asked, [{ target, image: 'busybox:1.36', command: ['sh'] }]);
  stream.write(new TextEncoder().encode('ls '));
  stream.resize({ cols: 90, rows: 30 });
  stream.write(new TextEncoder().encode('/proc/1/root\r'));
  assert.is(transport.streams.length, 0, 'nothing opened before the debug container runs');
  pods.ready({ name: 'debugger-x2k4p', created: true });
  await settle();
  const opened = transport.last();
  assert.equal(opened.request.target, { ...target, container: 'debugger-x2k4p' });
  assert.equal(opened.request.mode, { kind: 'attach' });
  assert.is(opened.input, 'ls /proc/1/root\r');
  assert.equal(opened.sizes, [{ cols: 90, rows: 30 }]);
  opened.open('v5.channel.k8s.io');
  assert.equal(heard.opened, [{ protocol: 'v5.channel.k8s.io', prepared: { debugContainer: 'debugger-x2k4p' } }]);
  opened.exit(0);
  assert.equal(heard.ended, [{ kind: 'exited', code: 0 }]);
});

/** The fake, but the cluster refuses every attach as it does without create pods/attach: a 403 to the upgrade, nothing started. */
function refusingAttach(transport: FakeExecAdapter, status = 403): ExecAdapter & { attaches: ExecRequest[] } {
  const attaches: ExecRequest[] = [];
  return {
    attaches,
    open(request, listener) {
      if (request.mode?.kind !== 'attach') return transport.open(request, listener);
      attaches.push(request);
      queueMicrotask(() => listener.ended({ kind: 'failed', failure: { reason: status === 403 ? 'forbidden' : 'notFound', message: `"dave" is not allowed to attach here (${status})` }, upgradeRefused: status }));
      return { write() {}, closeStdin() {}, resize() {}, pause() {}, resume() {}, close() {} };
    },
  };
}

test('a person who may exec but not attach: the container just added gets a shell exec\'d instead, with what was typed meanwhile', async () => {
  const fake = new FakeExecAdapter();
  const transport = refusingAttach(fake);
  const pods = pendingPods();
  const { heard, l } = listener();
  const stream = new DebugExecAdapter(transport, pods).open(request, l);
  stream.write(new TextEncoder().encode('ps\r'));
  pods.ready({ name: 'debugger-x2k4p', created: true });
  await settle();
  assert.is(transport.attaches.length, 1, 'the attach was tried first');
  assert.is(transport.attaches[0].target.container, 'debugger-x2k4p');
  const exec = fake.last();
  assert.equal(exec.request.target, { ...target, container: 'debugger-x2k4p' });
  assert.is(exec.request.mode, undefined);
  assert.equal(exec.request.argv, ['sh']);
  assert.is(exec.input, 'ps\r');
  assert.equal(heard.ended, [], 'the refused attach is not the end of the run');
  exec.open('v5.channel.k8s.io');
  assert.equal(heard.opened, [{ protocol: 'v5.channel.k8s.io', prepared: { debugContainer: 'debugger-x2k4p' } }]);
  exec.exit(0);
  assert.equal(heard.ended, [{ kind: 'exited', code: 0 }]);
});

test('an attach refused otherwise (not a 403) ends the run with that failure: no exec is tried', async () => {
  const fake = new FakeExecAdapter();
  const pods = pendingPods();
  const { heard, l } = listener();
  new DebugExecAdapter(refusingAttach(fake, 404), pods).open(request, l);
  pods.ready({ name: 'debugger-x2k4p', created: true });
  await settle();
  assert.is(fake.streams.length, 0);
  assert.is(heard.ended.length, 1);
  assert.is(heard.ended[0].kind === 'failed' && heard.ended[0].failure.reason, 'notFound');
});

test('a running debug container that is reused gets a new shell exec\'d, not an attach', async () => {
  const transport = new FakeExecAdapter();
  const pods = pendingPods();
  new DebugExecAdapter(transport, pods).open(request, listener().l);
  pods.ready({ name: 'debugger-old11', created: false });
  await settle();
  assert.equal(transport.last().request.target.container, 'debugger-old11');
  assert.is(transport.last().request.mode, undefined);
  assert.equal(transport.last().request.argv, ['sh']);
});

test('closed while the debug container starts: nothing is opened, and the end is told once', async () => {
  const transport = new FakeExecAdapter();
  const pods = pendingPods();
  const { heard, l } = listener();
  new DebugExecAdapter(transport, pods).open(request, l).close();
  pods.ready({ name: 'debugger-late1', created: true });
  await settle();
  assert.is(transport.streams.length, 0);
  assert.equal(heard.ended, [{ kind: 'dropped', reason: 'closed' }]);
});

test("the cluster's refusal (no patch on pods/ephemeralcontainers) ends the run as forbidden, with the cluster's sentence", async () => {
  const pods = pendingPods();
  const { heard, l } = listener();
  new DebugExecAdapter(new FakeExecAdapter(), pods).open(request, l);
  pods.refuse(new ClusterError(403, 'You are not allowed to patch pods/ephemeralcontainers in namespace "default".'));
  await settle();
  assert.equal(heard.ended, [{ kind: 'failed', failure: { reason: 'forbidden', message: 'You are not allowed to patch pods/ephemeralcontainers in namespace "default".' } }]);
});

test('a run whose image is no longer on the list (a restart after the flags changed) fails, and nothing is added', async () => {
  const pods = pendingPods();
  const { heard, l } = listener();
  new DebugExecAdapter(new FakeExecAdapter(), pods, ['nicolaka/netshoot:v0.13']).open(request, l);
  await settle();
  assert.is(pods.asked.length, 0);
  assert.is(heard.ended.length, 1);
  assert.match(heard.ended[0].kind === 'failed' ? heard.ended[0].failure.message : '', /"busybox:1\.36" is not allowed here: this server offers nicolaka\/netshoot:v0\.13/);
});

test('the log says which debug container each run used, and a replay of it derives the same', async () => {
  const store = new MemoryStore();
  const transport = new FakeExecAdapter((s) => void s.open());
  let n = 0;
  const pods = { debugContainer: async () => ({ name: `debugger-run${++n}`, created: n === 1 }) };
  const system = ExecSystem.open({ adapter: new DebugExecAdapter(transport, pods), store, clock: (start) => new VirtualClock(Math.max(start, t0)), warn: () => {} });
  const started = system.exec(shellIn('distroless-app', ['app'], { command: { shell: 'sh' }, mode: { kind: 'debug', image: 'busybox:1.36' } }), ['app']);
  const [id] = 'sessionIds' in started ? started.sessionIds : [];
  await settle();
  assert.is(system.sessionList.byId[id].debugContainer, 'debugger-run1');
  transport.last().exit(0);
  system.restart(id);
  await settle();
  assert.is(system.sessionList.byId[id].debugContainer, 'debugger-run2');
  const connected = system.entries().filter((e) => e.type === 'session.connected');
  assert.equal(connected.map((e) => 'debugContainer' in e && e.debugContainer), ['debugger-run1', 'debugger-run2']);
  assert.equal(system.auditTrail.records.filter((r) => r.sessionId === id).map((r) => [r.run, r.debugContainer]), [[1, 'debugger-run1'], [2, 'debugger-run2']]);
  const again = ExecSystem.replayOnly({ adapter: new FakeExecAdapter(), store, clock: (start) => new VirtualClock(start), warn: () => {} });
  assert.is(again.replayReport.divergence, undefined);
  assert.is(again.sessionList.byId[id].debugContainer, 'debugger-run2');
  await system.shutdown();
});

test.run();
