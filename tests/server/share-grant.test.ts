// Who a share lets in, and as what (src/server/shares/share-grant.ts), and its secrets
// (share-secrets.ts): a local link's browser, a picked person or group member, never anyone else;
// expired, revoked and removed refused with their reasons; the best of several shares wins; the
// owner's latest word on a person's role wins, whichever share (live or not) it was said on.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { project } from '../../src/events/projection.ts';
import { sharesProjection, watcherOf } from '../../src/events/projections/shares.ts';
import type { LogEntry } from '../../src/events/log-entry.ts';
import type { Fact } from '../../src/machines/facts.ts';
import type { Caller } from '../../src/server/caller.ts';
import { owns, sees } from '../../src/server/caller.ts';
import { visibleAlerts } from '../../src/server/visible.ts';
import type { ExecSystem } from '../../src/runtime/exec-system.ts';
import { shareGrant } from '../../src/server/shares/share-grant.ts';
import { shareView } from '../../src/server/shares/share-routes.ts';
import { matchesHash, newShareId, newShareSecret, secretHash } from '../../src/server/shares/share-secrets.ts';
import { isId } from '../../src/protocol/index.ts';

let seq = 0;
const at = (time: number, fact: Fact): LogEntry => ({ ...fact, seq: ++seq, time }) as LogEntry;
const person = (user: string, groups: string[] = []): Caller => ({ mode: 'proxy', person: { user, groups }, admin: false, signOut: null });
const link = (shareId: string): Caller => ({ mode: 'local', admin: false, signOut: null, share: { shareId } });

const shares = project(sharesProjection, [
  at(0, { type: 'share.created', shareId: 'v', sessionId: 't1', role: 'viewer', expiresAt: 1_000, by: 'alice', users: ['bob'], groups: ['sre'] }),
  at(0, { type: 'share.created', shareId: 'p', sessionId: 't1', role: 'participant', expiresAt: 500, by: 'alice', users: ['bob'] }),
  at(0, { type: 'share.created', shareId: 'local', sessionId: 't2', role: 'participant', expiresAt: 1_000, secretHash: secretHash('x') }),
  at(0, { type: 'share.created', shareId: 'gone', sessionId: 't2', role: 'viewer', expiresAt: 1_000, secretHash: secretHash('y') }),
  at(10, { type: 'share.revoked', shareId: 'gone', sessionId: 't2' }),
  at(20, { type: 'share.joined', shareId: 'v', sessionId: 't1', who: 'dave', role: 'viewer' }),
  at(30, { type: 'share.removed', shareId: 'v', sessionId: 't1', who: 'dave' }),
  at(40, { type: 'share.joined', shareId: 'local', sessionId: 't2', who: 'link holder', role: 'participant' }),
  at(50, { type: 'share.roleChanged', shareId: 'local', sessionId: 't2', who: 'link holder', role: 'viewer' }),
]);

test('a picked person gets the best live share of the terminal; once that one expired, the other', () => {
  assert.equal(shareGrant(shares, person('bob'), 't1', 100), { shareId: 'p', sessionId: 't1', who: 'bob', role: 'participant', expiresAt: 500 });
  assert.equal(shareGrant(shares, person('bob'), 't1', 600), { shareId: 'v', sessionId: 't1', who: 'bob', role: 'viewer', expiresAt: 1_000 });
  assert.equal(shareGrant(shares, person('bob'), 't1', 1_000), { refused: 'expired' });
});

test('a member of a picked group gets in; anyone else is not theirs; a removed person is refused though their group is picked', () => {
  assert.is((shareGrant(shares, person('erin', ['sre']), 't1', 100) as { role: string }).role, 'viewer');
  assert.equal(shareGrant(shares, person('mallory', ['dev']), 't1', 100), { refused: 'notYours' });
  assert.equal(shareGrant(shares, person('dave', ['sre']), 't1', 100), { refused: 'removed' });
  // of two shares, one never for her and one for her group that was revoked: she hears it was revoked
  const two = project(sharesProjection, [
    at(0, { type: 'share.created', shareId: 'a', sessionId: 't5', role: 'viewer', expiresAt: 1_000, users: ['bob'] }),
    at(0, { type: 'share.created', shareId: 'b', sessionId: 't5', role: 'viewer', expiresAt: 1_000, groups: ['sre'] }),
    at(5, { type: 'share.revoked', shareId: 'b', sessionId: 't5' }),
  ]);
  assert.equal(shareGrant(two, person('erin', ['sre']), 't5', 100), { refused: 'revoked' });
  // a terminal nobody shared: no grant, and nothing to say about it
  assert.is(shareGrant(shares, person('bob'), 't3', 100), undefined);
});

test('a local link\'s browser: only its own share, only its terminal, at the role the owner set now; revoked is refused', () => {
  assert.equal(shareGrant(shares, link('local'), 't2', 100), { shareId: 'local', sessionId: 't2', who: 'link holder', role: 'viewer', expiresAt: 1_000 });
  assert.is(shareGrant(shares, link('local'), 't1', 100), undefined, 'another terminal is unknown to it');
  assert.equal(shareGrant(shares, link('gone'), 't2', 100), { refused: 'revoked' });
  // the local mode's own caller (the token's holder) is no share's: it owns the terminal
  assert.is(shareGrant(shares, { mode: 'local', admin: true, signOut: null }, 't2', 100), undefined);
});

test('a person whose sign-in name is "link holder" is a person like any other: not picked, not let in', () => {
  assert.equal(shareGrant(shares, person('link holder'), 't1', 100), { refused: 'notYours' });
  assert.equal(shareGrant(shares, person('link holder'), 't2', 100), { refused: 'notYours' });
  // nor a person named like a prototype key, picked by a group or not
  assert.equal(shareGrant(shares, person('__proto__', ['sre']), 't1', 100), { refused: 'notYours' });
});

test('a person picked by several shares: a removal or a demotion on any of them wins', () => {
  const several = project(sharesProjection, [
    at(0, { type: 'share.created', shareId: 'a', sessionId: 't6', role: 'participant', expiresAt: 1_000, users: ['bob'] }),
    at(0, { type: 'share.created', shareId: 'b', sessionId: 't6', role: 'participant', expiresAt: 1_000, groups: ['sre'] }),
    at(1, { type: 'share.joined', shareId: 'a', sessionId: 't6', who: 'bob', role: 'participant' }),
    at(2, { type: 'share.roleChanged', shareId: 'a', sessionId: 't6', who: 'bob', role: 'viewer' }),
    at(1, { type: 'share.joined', shareId: 'a', sessionId: 't6', who: 'erin', role: 'participant' }),
    at(2, { type: 'share.removed', shareId: 'a', sessionId: 't6', who: 'erin' }),
  ]);
  assert.is((shareGrant(several, person('bob', ['sre']), 't6', 100) as { role: string }).role, 'viewer');
  assert.equal(shareGrant(several, person('erin', ['sre']), 't6', 100), { refused: 'removed' });
  // someone else of the group is a participant through b
  assert.is((shareGrant(several, person('frank', ['sre']), 't6', 100) as { role: string }).role, 'participant');
});

test('a share made after a removal that names the removed person lets them back in: the owner chose to; the shares from before still refuse them', () => {
  const again = project(sharesProjection, [
    at(0, { type: 'share.created', shareId: 'a', sessionId: 't7', role: 'participant', expiresAt: 1_000, users: ['erin'] }),
    at(0, { type: 'share.created', shareId: 'b', sessionId: 't7', role: 'participant', expiresAt: 1_000, groups: ['sre'] }),
    at(1, { type: 'share.joined', shareId: 'a', sessionId: 't7', who: 'erin', role: 'participant' }),
    at(2, { type: 'share.removed', shareId: 'a', sessionId: 't7', who: 'erin' }),
    at(5, { type: 'share.created', shareId: 'c', sessionId: 't7', role: 'viewer', expiresAt: 1_000, users: ['erin'] }),
  ]);
  assert.equal(shareGrant(again, person('erin', ['sre']), 't7', 100), { shareId: 'c', sessionId: 't7', who: 'erin', role: 'viewer', expiresAt: 1_000 });
  // the same log without the new share: b (made before the removal) still refuses her
  const before = project(sharesProjection, [
    at(0, { type: 'share.created', shareId: 'a', sessionId: 't8', role: 'participant', expiresAt: 1_000, users: ['erin'] }),
    at(0, { type: 'share.created', shareId: 'b', sessionId: 't8', role: 'participant', expiresAt: 1_000, groups: ['sre'] }),
    at(1, { type: 'share.joined', shareId: 'a', sessionId: 't8', who: 'erin', role: 'participant' }),
    at(2, { type: 'share.removed', shareId: 'a', sessionId: 't8', who: 'erin' }),
  ]);
  assert.equal(shareGrant(before, person('erin', ['sre']), 't8', 100), { refused: 'removed' });
});

test('a share made after a removal that picks the removed person only by a group does not let them back in: it was not made for them', () => {
  const grouped = project(sharesProjection, [
    at(0, { type: 'share.created', shareId: 'a', sessionId: 't9', role: 'participant', expiresAt: 1_000, groups: ['sre'] }),
    at(1, { type: 'share.joined', shareId: 'a', sessionId: 't9', who: 'mallory', role: 'participant' }),
    at(2, { type: 'share.removed', shareId: 'a', sessionId: 't9', who: 'mallory' }),
    at(5, { type: 'share.created', shareId: 'b', sessionId: 't9', role: 'participant', expiresAt: 1_000, users: ['nina'], groups: ['sre'] }),
  ]);
  assert.equal(shareGrant(grouped, person('mallory', ['sre']), 't9', 100), { refused: 'removed' });
  // the new colleague it was made for, and the rest of the group, are let in
  assert.is((shareGrant(grouped, person('nina'), 't9', 100) as { shareId: string }).shareId, 'b');
  assert.is((shareGrant(grouped, person('oscar', ['sre']), 't9', 100) as { role: string }).role, 'participant');
});

test("a removal and a share are ordered by the log, not by the times of replicas whose clocks differ", () => {
  // b was made (on a replica whose clock runs 10 s ahead) before the removal was logged (on another)
  const skewed = project(sharesProjection, [
    at(0, { type: 'share.created', shareId: 'a', sessionId: 't10', role: 'participant', expiresAt: 100_000, users: ['erin'] }),
    at(1, { type: 'share.joined', shareId: 'a', sessionId: 't10', who: 'erin', role: 'participant' }),
    at(10_005, { type: 'share.created', shareId: 'b', sessionId: 't10', role: 'participant', expiresAt: 100_000, users: ['erin'] }),
    at(6, { type: 'share.removed', shareId: 'a', sessionId: 't10', who: 'erin' }),
  ]);
  assert.equal(shareGrant(skewed, person('erin'), 't10', 50_000), { refused: 'removed' });
});

test('a share or a removal from an older snapshot (no place in the log) is before everything that has one, whatever the times say', () => {
  /** an entry as a snapshot from before places were kept gives it back: its time, no seq */
  const unplaced = (time: number, fact: Fact): LogEntry => ({ ...fact, time }) as LogEntry;
  // 'old' is such a share; its time is later than the removal's (another replica's clock), yet it came first
  const upgraded = project(sharesProjection, [
    unplaced(1_002, { type: 'share.created', shareId: 'old', sessionId: 't11', role: 'participant', expiresAt: 100_000, users: ['erin'] }),
    at(0, { type: 'share.created', shareId: 'grp', sessionId: 't11', role: 'participant', expiresAt: 100_000, groups: ['sre'] }),
    at(1, { type: 'share.joined', shareId: 'grp', sessionId: 't11', who: 'erin', role: 'participant' }),
    at(990, { type: 'share.removed', shareId: 'grp', sessionId: 't11', who: 'erin' }),
  ]);
  assert.equal(shareGrant(upgraded, person('erin', ['sre']), 't11', 50_000), { refused: 'removed' });
  // a removal without a place is before a share that has one, however late its time: a share naming her lets her back in
  const earlier = project(sharesProjection, [
    unplaced(0, { type: 'share.created', shareId: 'gone', sessionId: 't12', role: 'participant', expiresAt: 100_000, users: ['erin'] }),
    unplaced(1, { type: 'share.joined', shareId: 'gone', sessionId: 't12', who: 'erin', role: 'participant' }),
    unplaced(5_000, { type: 'share.removed', shareId: 'gone', sessionId: 't12', who: 'erin' }),
    at(2_000, { type: 'share.created', shareId: 'new', sessionId: 't12', role: 'viewer', expiresAt: 100_000, users: ['erin'] }),
  ]);
  assert.equal(shareGrant(earlier, person('erin'), 't12', 50_000), { shareId: 'new', sessionId: 't12', who: 'erin', role: 'viewer', expiresAt: 100_000 });
});

test('a share link\'s caller owns nothing and sees nothing (a local caller without a person would own everything)', () => {
  assert.is(owns(link('local'), undefined), false);
  assert.is(sees(link('local'), undefined), false);
  assert.is(owns({ mode: 'local', admin: true, signOut: null }, undefined), true);
});

test('a share link\'s browser is told of no alerts, not even the log\'s own (its path and problem are the server\'s business)', () => {
  const storage = { id: 0, sessionId: '', kind: 'storage' as const, message: 'cannot write /var/lib/octant-exec/events.log: disk full', at: 1 };
  const system = { sessionList: { byId: {}, order: [] }, alerts: { list: [storage] } } as unknown as ExecSystem;
  assert.equal(visibleAlerts(system, link('local')), []);
  assert.equal(visibleAlerts(system, person('bob')), [storage], 'a signed-in person still hears of it');
});

test('secrets: 256 random bits, only their hash is kept, and checked against it (a wrong or missing hash never matches)', () => {
  const secret = newShareSecret();
  assert.is(Buffer.from(secret, 'base64url').length, 32);
  assert.is.not(newShareSecret(), secret);
  const hash = secretHash(secret);
  assert.match(hash, /^[0-9a-f]{64}$/);
  assert.ok(matchesHash(secret, hash));
  assert.not.ok(matchesHash(`${secret}x`, hash));
  assert.not.ok(matchesHash(secret, undefined));
  assert.not.ok(matchesHash(secret, 'not hex'));
  // nothing hashes to all zeroes (what a missing hash is compared with)
  assert.not.ok(matchesHash('', '0'.repeat(64)));
  assert.ok(isId(newShareId()));
});

test("the owner's later \"Let type\" on a new share undoes a \"Make viewer\" on an old, expired one: the dialog and the socket agree", () => {
  // the new link names him, or picks him only by a group; either way he joined it capped as a viewer
  const pickings: [string, { users?: string[]; groups?: string[] }][] = [['t10', { users: ['bob'] }], ['t11', { groups: ['sre'] }]];
  for (const [sessionId, picks] of pickings) {
    const later = project(sharesProjection, [
      at(0, { type: 'share.created', shareId: `${sessionId}-1`, sessionId, role: 'participant', expiresAt: 1_000, by: 'alice', users: ['bob'] }),
      at(10, { type: 'share.joined', shareId: `${sessionId}-1`, sessionId, who: 'bob', role: 'participant' }),
      at(20, { type: 'share.roleChanged', shareId: `${sessionId}-1`, sessionId, who: 'bob', role: 'viewer' }),
      // the first expires at 1 000
      at(2_000, { type: 'share.created', shareId: `${sessionId}-2`, sessionId, role: 'participant', expiresAt: 10_000, by: 'alice', ...picks }),
      at(2_010, { type: 'share.joined', shareId: `${sessionId}-2`, sessionId, who: 'bob', role: 'viewer' }),
      at(2_020, { type: 'share.roleChanged', shareId: `${sessionId}-2`, sessionId, who: 'bob', role: 'participant' }),
    ]);
    assert.is(shareView(later.byId[`${sessionId}-1`], 3_000).status, 'expired', 'the dialog offers nothing on it');
    assert.is(watcherOf(later.byId[`${sessionId}-2`], 'bob')?.role, 'participant', 'what the dialog shows');
    assert.is((shareGrant(later, person('bob', ['sre']), sessionId, 3_000) as { role: string }).role, 'participant', sessionId);
  }
});

test('a new share that names a demoted person lets them type: the owner chose to; one made before, or picking them by a group, keeps them a viewer', () => {
  const demoted = [
    at(0, { type: 'share.created', shareId: 'a', sessionId: 't12', role: 'participant', expiresAt: 1_000, users: ['bob'], groups: ['sre'] }),
    at(1, { type: 'share.joined', shareId: 'a', sessionId: 't12', who: 'bob', role: 'participant' }),
    at(2, { type: 'share.roleChanged', shareId: 'a', sessionId: 't12', who: 'bob', role: 'viewer' }),
    at(3, { type: 'share.created', shareId: 'g', sessionId: 't12', role: 'participant', expiresAt: 1_000, groups: ['sre'] }),
  ];
  assert.is((shareGrant(project(sharesProjection, demoted), person('bob', ['sre']), 't12', 100) as { role: string }).role, 'viewer', 'a group share is not made for him');
  const named = project(sharesProjection, [...demoted, at(4, { type: 'share.created', shareId: 'n', sessionId: 't12', role: 'participant', expiresAt: 1_000, users: ['bob'] })]);
  assert.equal(shareGrant(named, person('bob', ['sre']), 't12', 100), { shareId: 'n', sessionId: 't12', who: 'bob', role: 'participant', expiresAt: 1_000 });
});

test.run();
