// The share list folded from the log (src/events/projections/shares.ts): made, claimed, joined,
// changed, removed, revoked, left; gone with its terminal; nobody watching after a restart; and the
// same list whether the entries come one at a time or all at once.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { applyEntries, project } from '../../src/events/projection.ts';
import { sharesProjection } from '../../src/events/projections/shares.ts';
import type { LogEntry } from '../../src/events/log-entry.ts';
import type { Fact } from '../../src/machines/facts.ts';

let seq = 0;
const at = (time: number, fact: Fact): LogEntry => ({ ...fact, seq: ++seq, time }) as LogEntry;
const base = { shareId: 's1', sessionId: 't1' };

const log: LogEntry[] = [
  at(1_000, { type: 'share.created', ...base, role: 'participant', expiresAt: 10_000, by: 'alice', users: ['bob'], groups: ['sre'] }),
  at(1_100, { type: 'share.joined', ...base, who: 'bob', role: 'participant' }),
  at(1_200, { type: 'share.joined', ...base, who: 'carol', role: 'participant' }),
  at(1_300, { type: 'share.typed', ...base, who: 'bob' }),
  at(1_400, { type: 'share.roleChanged', ...base, who: 'bob', role: 'viewer' }),
  at(1_500, { type: 'share.removed', ...base, who: 'carol' }),
  at(1_600, { type: 'share.left', ...base, who: 'bob' }),
  at(1_700, { type: 'share.joined', ...base, who: 'bob', role: 'participant' }),
];

test('a share and who joined it: first join time kept, role changed by the owner, removed, typing time, watching now', () => {
  const shares = project(sharesProjection, log);
  assert.equal(shares.bySession, { t1: ['s1'] });
  const row = shares.byId.s1;
  assert.equal({ role: row.role, createdAt: row.createdAt, createdSeq: row.createdSeq, expiresAt: row.expiresAt, by: row.by, users: row.users, groups: row.groups }, { role: 'participant', createdAt: 1_000, createdSeq: log[0].seq, expiresAt: 10_000, by: 'alice', users: ['bob'], groups: ['sre'] });
  // a second join keeps the role the owner gave (viewer), and where they gave it (the latest such word on a terminal's shares wins), and the first join time
  assert.equal(row.watchers.bob, { role: 'viewer', joinedAt: 1_100, watching: true, typedAt: 1_300, roleChangedAt: 1_400, roleChangedSeq: log[4].seq });
  // the removal's place in the log orders it against shares made on other replicas, whatever their clocks
  assert.equal(row.watchers.carol, { role: 'participant', joinedAt: 1_200, watching: false, removed: true, removedAt: 1_500, removedSeq: log[5].seq });
  assert.is(row.revokedAt, undefined);
});

test('revoked once (the first time stays); a local link claimed keeps only its cookie hash', () => {
  const local = [
    at(2_000, { type: 'share.created', shareId: 's2', sessionId: 't2', role: 'viewer', expiresAt: 9_000, secretHash: 'a'.repeat(64) }),
    at(2_100, { type: 'share.claimed', shareId: 's2', sessionId: 't2', cookieHash: 'b'.repeat(64) }),
    at(2_200, { type: 'share.revoked', shareId: 's2', sessionId: 't2' }),
    at(2_300, { type: 'share.revoked', shareId: 's2', sessionId: 't2' }),
  ];
  const row = project(sharesProjection, local).byId.s2;
  assert.is(row.secretHash, 'a'.repeat(64));
  assert.is(row.cookieHash, 'b'.repeat(64));
  assert.is(row.revokedAt, 2_200);
});

test('a second claim of a claimed link changes nothing: the first browser keeps it (replicas may log both)', () => {
  const row = project(sharesProjection, [
    at(2_000, { type: 'share.created', shareId: 's3', sessionId: 't3', role: 'viewer', expiresAt: 9_000, secretHash: 'a'.repeat(64) }),
    at(2_100, { type: 'share.claimed', shareId: 's3', sessionId: 't3', cookieHash: 'b'.repeat(64) }),
    at(2_101, { type: 'share.claimed', shareId: 's3', sessionId: 't3', cookieHash: 'c'.repeat(64) }),
  ]).byId.s3;
  assert.is(row.cookieHash, 'b'.repeat(64));
});

test('a "who" such as __proto__ is never looked up or written through the prototype', () => {
  const shares = project(sharesProjection, [
    at(1_000, { type: 'share.created', ...base, role: 'viewer', expiresAt: 10_000, users: ['bob'] }),
    at(1_100, { type: 'share.removed', ...base, who: '__proto__' }),
    at(1_200, { type: 'share.roleChanged', ...base, who: '__proto__', role: 'participant' }),
    at(1_300, { type: 'share.typed', ...base, who: 'constructor' }),
    at(1_400, { type: 'share.left', ...base, who: 'toString' }),
  ]);
  const probe = {} as Record<string, unknown>;
  assert.equal([probe.removed, probe.role, probe.watching, probe.typedAt], [undefined, undefined, undefined, undefined]);
  assert.equal(Object.keys(shares.byId.s1.watchers), []);
});

test('a server restart leaves nobody watching; closing the terminal takes its shares away', () => {
  const restarted = project(sharesProjection, [...log, at(3_000, { type: 'session.disconnected', sessionId: 't1', reason: 'restarted' })]);
  assert.is(restarted.byId.s1.watchers.bob.watching, false);
  // a dropped stream closes no page socket: who watched still does
  const dropped = project(sharesProjection, [...log, at(3_000, { type: 'session.disconnected', sessionId: 't1', reason: 'streamDropped' })]);
  assert.is(dropped.byId.s1.watchers.bob.watching, true);
  const closed = project(sharesProjection, [...log, at(3_100, { type: 'session.closed', sessionId: 't1' })]);
  assert.equal(closed, { byId: {}, bySession: {} });
});

test('facts about a share that is not listed (its terminal closed) change nothing', () => {
  const shares = project(sharesProjection, [at(4_000, { type: 'share.joined', shareId: 'gone', sessionId: 't9', who: 'bob', role: 'viewer' })]);
  assert.equal(shares, { byId: {}, bySession: {} });
});

test('one entry at a time or all at once: the same list', () => {
  let model = sharesProjection.initial();
  for (const entry of log) model = applyEntries(sharesProjection, model, [entry]);
  assert.equal(model, project(sharesProjection, log));
});

test.run();
