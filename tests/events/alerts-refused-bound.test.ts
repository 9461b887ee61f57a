// A restart refused because the live-session limit is reached raises an alert; asking again (a
// page's button pressed again and again, a script retrying its 429) must not pile up one alert per
// refusal: the list is in memory, in every snapshot and sent whole to every page on each change.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { project } from '../../src/events/projection.ts';
import { alertsProjection } from '../../src/events/projections/alerts.ts';
import type { LogEntry } from '../../src/events/log-entry.ts';
import type { Fact } from '../../src/machines/facts.ts';

let seq = 0;
const at = (time: number, fact: Fact): LogEntry => ({ ...fact, seq: ++seq, time }) as LogEntry;
const target = { context: 'c', namespace: 'ns', pod: 'p', container: 'app' };

test('a restart refused 1,000 times at the limit leaves one alert for the terminal, the latest', () => {
  const log: LogEntry[] = [
    at(1, { type: 'session.spawned', sessionId: 't1', requestId: 'r1', target, command: { argv: ['sh'] }, interactive: true, requestedBy: 'local', idleTimeoutMs: 300_000 } as unknown as Fact),
    at(2, { type: 'session.exited', sessionId: 't1', code: 0 } as Fact),
  ];
  for (let i = 0; i < 1_000; i++) log.push(at(10 + i, { type: 'session.restartRefused', sessionId: 't1', message: `At most 1 terminals can run at once. Close one, then restart. (${i})` }));
  const alerts = project(alertsProjection, log);
  const refused = alerts.list.filter((alert) => alert.kind === 'refused');
  assert.is(refused.length, 1, `one refusal alert, not ${refused.length}`);
  assert.is(refused[0].message, 'At most 1 terminals can run at once. Close one, then restart. (999)', 'the latest refusal is the one shown');
  assert.is(refused[0].id, log[log.length - 1].seq);
});

test('refusals of two terminals each keep their own alert; a restart still retires them', () => {
  const log: LogEntry[] = [];
  for (const id of ['t1', 't2']) for (let i = 0; i < 3; i++) log.push(at(100 + i, { type: 'session.restartRefused', sessionId: id, message: `full ${id} ${i}` }));
  const twice = project(alertsProjection, log);
  assert.equal(twice.list.map((alert) => alert.message), ['full t1 2', 'full t2 2']);
  log.push(at(200, { type: 'session.restarted', sessionId: 't1', run: 2 } as Fact));
  assert.equal(project(alertsProjection, log).list.map((alert) => alert.message), ['full t2 2']);
});

test.run();
