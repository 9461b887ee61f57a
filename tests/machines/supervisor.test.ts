import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { makeSystem, settle, shellIn } from '../support/system.ts';

const test = suite('supervisor: exec actions, routing, limits, shutdown');

test('"all containers" spawns one terminal per container, each with its own stream', () => {
  const { system, adapter } = makeSystem();
  const result = system.exec(shellIn('web', 'all'), ['nginx', 'sidecar']);
  assert.ok('sessionIds' in result);
  assert.equal(result.sessionIds, ['t1', 't2']);
  assert.equal(adapter.streams.map((s) => s.request.target.container), ['nginx', 'sidecar']);
  assert.equal(Object.keys(system.snapshots().terminals), ['t1', 't2']);
  assert.equal(system.sessionList.order, ['t1', 't2']);
  const requested = system.entries().find((e) => e.type === 'exec.requested');
  assert.equal(requested && 'containers' in requested && requested.containers, ['nginx', 'sidecar']);
});

test('session ids stay unique across requests', () => {
  const { system } = makeSystem();
  system.exec(shellIn('web'), ['nginx']);
  const second = system.exec(shellIn('web', 'all'), ['nginx', 'sidecar']);
  assert.equal('sessionIds' in second && second.sessionIds, ['t2', 't3']);
});

test('user events reach only the terminal they name', async () => {
  const { system, adapter } = makeSystem({ script: (s) => void s.open() });
  system.exec(shellIn('web', 'all'), ['nginx', 'sidecar']);
  await settle();
  system.resize('t2', 100, 30);
  assert.equal(adapter.streams[0].sizes, []);
  assert.equal(adapter.streams[1].sizes, [{ cols: 100, rows: 30 }]);
  system.close('t1');
  assert.is(adapter.streams[0].isEnded, true);
  assert.is(adapter.streams[1].isEnded, false);
  assert.equal(system.sessionList.order, ['t2']);
  system.close('nope');
  system.resize('nope', 1, 1);
  assert.equal(system.sessionList.order, ['t2'], 'unknown sessions are ignored');
});

test('the live-session limit refuses an action that would pass it, with a sentence', () => {
  const { system, adapter } = makeSystem({ config: { maxLiveSessions: 2 } });
  system.exec(shellIn('web'), ['nginx']);
  const refused = system.exec(shellIn('web', 'all'), ['nginx', 'sidecar']);
  assert.ok('refused' in refused);
  assert.match(refused.refused, /At most 2 terminals can run at once and 1 are running/);
  assert.match(refused.refused, /--max-sessions/);
  assert.is(adapter.streams.length, 1, 'nothing was started for the refused action');
  const audit = system.auditTrail.records.at(-1)!;
  assert.equal(audit.outcome?.kind, 'refused');
});

test('ended terminals do not count against the limit; restart is refused when full', async () => {
  const { system, adapter } = makeSystem({ config: { maxLiveSessions: 1 }, script: (s) => void s.open() });
  system.exec(shellIn('web'), ['nginx']);
  await settle();
  adapter.streams[0].exit(0);
  const second = system.exec(shellIn('web'), ['nginx']);
  assert.ok('sessionIds' in second);
  assert.equal(system.restart('t1'), { refused: 'At most 1 terminals can run at once. Close one, then restart.' });
  assert.is(system.sessionList.byId.t1.state, 'exited');
  assert.is(system.entries().at(-1)!.type, 'session.restartRefused');
  assert.is(system.alerts.list.at(-1)!.kind, 'refused');
});

test('a running terminal is not restarted: the supervisor refuses, says why, and raises no alert', async () => {
  const { system } = makeSystem({ script: (s) => void s.open() });
  system.exec(shellIn('web'), ['nginx']);
  await settle();
  const alerts = system.alerts.list.length;
  assert.equal(system.restart('t1'), { refused: 'Session t1 is still running; only an ended session can be restarted.', because: 'running' });
  assert.is(system.sessionList.byId.t1.run, 1);
  assert.is(system.sessionList.byId.t1.state, 'interactive');
  const last = system.entries().at(-1)!;
  assert.ok(last.type === 'session.restartRefused' && last.because === 'running');
  assert.is(system.alerts.list.length, alerts);
  assert.is(system.restart('t9'), undefined, 'no such terminal: nothing happens, nothing is logged');
  assert.is(system.entries().at(-1)!.seq, last.seq);
});

test('commands answer with what they caused: close and close-all-ended name the terminals closed', async () => {
  const { system, adapter } = makeSystem({ script: (s) => void s.open() });
  system.exec(shellIn('web', 'all'), ['nginx', 'sidecar']);
  system.exec(shellIn('db'), ['postgres']);
  await settle();
  adapter.streams[0].exit(0);
  adapter.streams[2].exit(1);
  await settle();
  assert.equal(system.closeAllEnded(), ['t1', 't3']);
  assert.is(system.close('t2'), true, 'a running terminal closes (its exec ends)');
  assert.is(system.close('t2'), false, 'already gone');
  assert.equal(system.sessionList.order, []);
});

test('an action with no running container is refused', () => {
  const { system } = makeSystem();
  const result = system.exec(shellIn('crashloop', 'all'), []);
  assert.ok('refused' in result);
  assert.match(result.refused, /no running container/);
});

test('close all ended closes ended terminals and leaves live ones', async () => {
  const { system, adapter } = makeSystem({ script: (s) => void s.open() });
  system.exec(shellIn('web', 'all'), ['nginx', 'sidecar']);
  system.exec(shellIn('alpine-tools'), ['tools']);
  await settle();
  adapter.streams[0].exit(0);
  adapter.streams[2].fail('unknown');
  system.closeAllEnded();
  assert.equal(system.sessionList.order, ['t2']);
  assert.equal(Object.keys(system.snapshots().terminals), ['t2']);
});

test('shutdown ends every stream and marks every live terminal disconnected', async () => {
  const { system, adapter } = makeSystem({ script: (s) => void s.open() });
  system.exec(shellIn('web', 'all'), ['nginx', 'sidecar']);
  system.exec(shellIn('alpine-tools'), ['tools']);
  await settle();
  adapter.streams[2].exit(3);
  system.shutdown();
  assert.ok(adapter.streams.every((s) => s.isEnded));
  const disconnected = system.entries().filter((e) => e.type === 'session.disconnected');
  assert.equal(disconnected.map((e) => 'reason' in e && e.reason), ['serverShutdown', 'serverShutdown']);
  assert.is(system.sessionList.byId.t3.state, 'exited', 'an ended terminal keeps how it ended');
});

test('a deleted pod ends its terminal with that reason', async () => {
  const { system, adapter } = makeSystem({ script: (s) => void s.open() });
  system.exec(shellIn('web'), ['nginx']);
  await settle();
  system.podDeleted('t1');
  assert.is(adapter.streams[0].isEnded, true);
  assert.is(system.sessionList.byId.t1.disconnectReason, 'podDeleted');
});

test.run();
