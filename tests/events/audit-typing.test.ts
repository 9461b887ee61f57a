// Who typed into a shared terminal, as its runs' audit records keep it (src/events/projections/
// audit-trail.ts): retention removes the share.typed facts with the run, so the record is what
// says it then. A participant's first typing in a run marks their latest join as one; typing in a
// run they joined in no way the record shows (a restarted terminal, a viewer promoted) is an
// entry of its own.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { project } from '../../src/events/projection.ts';
import { auditTrail, SHARE_JOINS_KEPT } from '../../src/events/projections/audit-trail.ts';
import type { LogEntry } from '../../src/events/log-entry.ts';
import type { Fact } from '../../src/machines/facts.ts';

let seq = 0;
const at = (time: number, fact: Fact | Record<string, unknown>): LogEntry => ({ ...fact, seq: ++seq, time }) as LogEntry;
const share = { shareId: 's1', sessionId: 't1' };
const target = { namespace: 'default', pod: 'web', container: 'nginx' };

const joinsByRun = (entries: LogEntry[]) => project(auditTrail(Infinity), entries).records.map((r) => r.joined ?? []);

test("a participant's first typing in a run is kept on their join; a viewer's join stays without", () => {
  const entries = [
    at(1_000, { type: 'session.spawned', sessionId: 't1', requestId: 'r1', target, command: { shell: 'sh' }, interactive: true, requestedBy: 'alice', idleTimeoutMs: 300_000 }),
    at(1_100, { type: 'share.joined', ...share, who: 'bob', role: 'participant' }),
    at(1_150, { type: 'share.joined', ...share, who: 'carol', role: 'viewer' }),
    at(1_200, { type: 'share.typed', ...share, who: 'bob' }),
    at(1_300, { type: 'share.typed', ...share, who: 'bob' }),
  ];
  assert.equal(joinsByRun(entries), [
    [
      { who: 'bob', role: 'participant', shareId: 's1', at: 1_100, typedAt: 1_200 },
      { who: 'carol', role: 'viewer', shareId: 's1', at: 1_150 },
    ],
  ]);
});

test('typing in a restarted run, and by a viewer since promoted, is an entry of its own in the run it happened in', () => {
  const entries = [
    at(1_000, { type: 'session.spawned', sessionId: 't1', requestId: 'r1', target, command: { shell: 'sh' }, interactive: true, requestedBy: 'alice', idleTimeoutMs: 300_000 }),
    at(1_100, { type: 'share.joined', ...share, who: 'bob', role: 'participant' }),
    at(1_200, { type: 'share.joined', ...share, who: 'carol', role: 'viewer' }),
    at(1_300, { type: 'session.exited', sessionId: 't1', code: 0 }),
    at(2_000, { type: 'session.restarted', sessionId: 't1', run: 2 }),
    at(2_100, { type: 'share.typed', ...share, who: 'bob' }), // still attached: no new join
    at(2_200, { type: 'share.roleChanged', ...share, who: 'carol', role: 'participant' }),
    at(2_300, { type: 'share.typed', ...share, who: 'carol' }),
  ];
  assert.equal(joinsByRun(entries), [
    [
      { who: 'bob', role: 'participant', shareId: 's1', at: 1_100 },
      { who: 'carol', role: 'viewer', shareId: 's1', at: 1_200 },
    ],
    [
      { who: 'bob', role: 'participant', shareId: 's1', at: 2_100, typedAt: 2_100 },
      { who: 'carol', role: 'participant', shareId: 's1', at: 2_300, typedAt: 2_300 },
    ],
  ]);
});

test("a viewer coming back again and again fills the joins' cap, and a participant's typing is kept past it", () => {
  const entries = [at(1_000, { type: 'session.spawned', sessionId: 't1', requestId: 'r1', target, command: { shell: 'sh' }, interactive: true, requestedBy: 'alice', idleTimeoutMs: 300_000 })];
  for (let i = 0; i < SHARE_JOINS_KEPT + 5; i++) entries.push(at(2_000 + i, { type: 'share.joined', ...share, who: 'carol', role: 'viewer' }));
  entries.push(at(5_000, { type: 'share.joined', ...share, who: 'bob', role: 'participant' }));
  entries.push(at(5_100, { type: 'share.typed', ...share, who: 'bob' }));
  const [joined] = joinsByRun(entries);
  assert.is(joined.length, SHARE_JOINS_KEPT + 1);
  assert.equal(joined.at(-1), { who: 'bob', role: 'participant', shareId: 's1', at: 5_100, typedAt: 5_100 });
});

test.run();
