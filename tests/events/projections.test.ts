import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { project } from '../../src/events/projection.ts';
import type { LogEntry } from '../../src/events/log-entry.ts';
import { alertsProjection } from '../../src/events/projections/alerts.ts';
import { auditTrailProjection } from '../../src/events/projections/audit-trail.ts';
import { sessionListProjection, sessionRows } from '../../src/events/projections/session-list.ts';
import { makeSystem, settle, shellIn } from '../support/system.ts';

const test = suite('projections: session list, audit trail, alerts');

async function scenario() {
  const { system, adapter, clock } = makeSystem({ script: (s) => void s.open('v5.channel.k8s.io') });
  system.exec(shellIn('web', 'all'), ['nginx', 'sidecar']);
  system.exec(shellIn('alpine-tools', ['tools'], { command: { argv: ['sh', '-c', 'exit 42'] }, interactive: false, requestedBy: 'alice' }), ['tools']);
  await settle();
  clock.advanceBy(5_000);
  adapter.streams[2].exit(42);
  adapter.streams[1].drop('connection reset by peer');
  clock.advanceBy(300_000); // t1 times out
  return system;
}

test('the session list shows state, exit code, reasons and times per terminal', async () => {
  const system = await scenario();
  const rows = sessionRows(system.sessionList);
  assert.equal(rows.map((r) => [r.sessionId, r.target.container, r.state]), [
    ['t1', 'nginx', 'timedOut'],
    ['t2', 'sidecar', 'disconnected'],
    ['t3', 'tools', 'exited'],
  ]);
  assert.is(rows[2].exitCode, 42);
  assert.is(rows[2].label, 'sh -c exit 42');
  assert.is(rows[1].disconnectDetail, 'connection reset by peer');
  assert.is(rows[0].protocol, 'v5.channel.k8s.io');
  assert.equal(rows[0].argv, ['bash']);
  assert.ok(rows[0].endedAt! > rows[0].startedAt);
  assert.equal(rows[0].timeout, { cause: 'idle', afterMs: 300_000 }, 'why it timed out, for its words');
  system.close('t3');
  assert.equal(system.sessionList.order, ['t1', 't2']);
});

test('the audit trail has who, where, argv, times and how each run ended', async () => {
  const system = await scenario();
  const records = system.auditTrail.records;
  assert.equal(records.map((r) => [r.who, r.target.container, r.argv.join(' '), r.outcome]), [
    ['tester', 'nginx', 'bash', { kind: 'timedOut' }],
    ['tester', 'sidecar', 'bash', { kind: 'disconnected', reason: 'streamDropped' }],
    ['alice', 'tools', 'sh -c exit 42', { kind: 'exited', code: 42 }],
  ]);
  system.restart('t3');
  assert.is(system.auditTrail.records.length, 4, 'a restart is a new run');
  assert.is(system.auditTrail.records[3].run, 2);
  assert.ok(!JSON.stringify(system.auditTrail).includes('42\n'), 'no output in the trail');
});

test('alerts name the pod and container for timeouts, disconnects and failures; closing retires them', async () => {
  const system = await scenario();
  const alerts = system.alerts.list;
  assert.equal(alerts.map((a) => [a.sessionId, a.kind]), [
    ['t2', 'disconnected'],
    ['t1', 'timedOut'],
  ]);
  assert.match(alerts[1].message, /default\/web \(nginx\) was idle for 300 s/);
  assert.match(alerts[0].message, /connection reset by peer/);
  assert.match(alerts[0].message, /Its output is kept; restart it to reconnect\./);
  system.close('t2');
  assert.equal(system.alerts.list.map((a) => a.sessionId), ['t1']);
});

test('restarting a terminal retires its alerts; one the server lost says its output went with it', async () => {
  const system = await scenario();
  system.restart('t1');
  await settle();
  assert.equal(system.alerts.list.map((a) => a.sessionId), ['t2'], 'the timeout is over once it runs again');
  assert.is(system.sessionList.byId.t1.timeout, undefined, "and so is its row's");
  const lost = project(alertsProjection, [
    { seq: 1, time: 0, type: 'session.spawned', sessionId: 'x1', requestId: 'r1', target: { namespace: 'default', pod: 'web', container: 'nginx' }, command: { shell: 'sh' }, interactive: true, requestedBy: 'tester', idleTimeoutMs: 300_000 },
    { seq: 2, time: 1, type: 'session.disconnected', sessionId: 'x1', reason: 'restarted' },
  ] as LogEntry[]);
  assert.match(lost.list[0].message, /lost its connection \(octant-exec restarted\)\. Its output went with the server; restart it to run it again\./);
});

test('projections rebuilt from the log equal the ones kept live', async () => {
  const system = await scenario();
  const entries = system.entries();
  assert.equal(project(sessionListProjection, entries), system.sessionList);
  assert.equal(project(auditTrailProjection, entries), system.auditTrail);
  assert.equal(project(alertsProjection, entries), system.alerts);
});

test.run();
