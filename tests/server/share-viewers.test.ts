// The sockets shown through a share (src/server/shares/share-viewers.ts), against a small log of
// its own: joined at the first socket and left after the last, typing logged once per 30 s a
// person (and at once in a new run), a role change and a revoke told at once, and an expiry
// cutting a socket off by itself, even after its timer fired early (the wall clock stepped back).
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { applyEntries } from '../../src/events/projection.ts';
import { sharesProjection, type Shares } from '../../src/events/projections/shares.ts';
import type { LogEntry } from '../../src/events/log-entry.ts';
import type { ShareFact } from '../../src/domain/share.ts';
import type { ExecSystem } from '../../src/runtime/exec-system.ts';
import type { Caller } from '../../src/server/caller.ts';
import { ShareViewers, type ShareViewer } from '../../src/server/shares/share-viewers.ts';
import { waitFor } from '../support/wait.ts';

/** The part of ExecSystem the viewers use: a log, its share list, and the run terminal t1 is in. */
function smallSystem(now: () => number) {
  let shares: Shares = sharesProjection.initial();
  const log: LogEntry[] = [];
  const listeners = new Set<(entry: LogEntry) => void>();
  const t1 = { run: 1 };
  const system = {
    get shares() {
      return shares;
    },
    sessionList: { byId: { t1 } },
    share(fact: ShareFact) {
      const entry = { ...fact, seq: log.length + 1, time: now() } as LogEntry;
      log.push(entry);
      shares = applyEntries(sharesProjection, shares, [entry]);
      for (const listener of listeners) listener(entry);
    },
    onEntry(listener: (entry: LogEntry) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return { system: system as unknown as ExecSystem, log, t1 };
}

const bob: Caller = { mode: 'proxy', person: { user: 'bob', groups: [] }, admin: false, signOut: null };
const base = { shareId: 's1', sessionId: 't1' };
/** short here: a person is logged as left this long after their last socket */
const LEFT_AFTER_MS = 30;

function setUp(expiresInMs = 60_000, time = { now: Date.now() }) {
  const { system, log, t1 } = smallSystem(() => time.now);
  system.share({ type: 'share.created', ...base, role: 'participant', expiresAt: time.now + expiresInMs, by: 'alice', users: ['bob'] });
  const told: string[] = [];
  const viewers = new ShareViewers<ShareViewer>(system, { ended: (_v, message) => told.push(`ended: ${message}`), roleChanged: (v) => told.push(`role: ${v.share!.role}`) }, () => time.now, LEFT_AFTER_MS);
  const open = (): ShareViewer => {
    const viewer: ShareViewer = { socket: { caller: bob }, sessionId: 't1', share: viewers.grant(bob, 't1').grant };
    viewers.add(viewer);
    return viewer;
  };
  return { system, log, viewers, told, open, time, t1 };
}

const types = (log: LogEntry[]) => log.map((e) => e.type);

test('typing in a new run of the terminal (a restart) is logged at once, whenever it was logged last', () => {
  const { log, viewers, open, time, t1 } = setUp();
  const one = open();
  viewers.typed(one);
  time.now += 5_000;
  t1.run = 2;
  viewers.typed(one);
  time.now += 5_000;
  viewers.typed(one);
  assert.equal(types(log), ['share.created', 'share.joined', 'share.typed', 'share.typed'], "once in each run's first 30 s");
  assert.equal(log.slice(2).map((e) => e.time - log[2].time), [0, 5_000]);
});

test('joined at the first socket, left a while after the last; typing logged at most once per 30 s', async () => {
  const { log, viewers, open, time } = setUp();
  const one = open();
  const two = open();
  viewers.typed(one);
  viewers.typed(two);
  time.now += 29_000;
  viewers.typed(one);
  time.now += 2_000;
  viewers.typed(two);
  viewers.remove(one);
  assert.equal(types(log), ['share.created', 'share.joined', 'share.typed', 'share.typed']);
  viewers.remove(two);
  await Promise.resolve();
  assert.equal(types(log).at(-1), 'share.typed', 'not left yet: they may be back at once');
  await waitFor(() => types(log).at(-1) === 'share.left', 'share.left logged after the grace');
  // a socket attaching again (removed, then added in one turn) neither leaves nor joins
  const again = open();
  const count = log.length;
  viewers.remove(again);
  viewers.add(again);
  await Promise.resolve();
  assert.is(log.length, count);
  viewers.close();
});

test('a socket attaching and detaching in a loop logs one join, and one leave once it stops', async () => {
  const { log, viewers, open } = setUp();
  for (let i = 0; i < 100; i++) {
    viewers.remove(open());
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.equal(types(log), ['share.created', 'share.joined']);
  await waitFor(() => log.length === 3, 'the leave logged');
  assert.equal(types(log), ['share.created', 'share.joined', 'share.left']);
  viewers.close();
});

test('a person let in by two shares: when the first expires the socket moves to the other, and is cut at that one\'s expiry', async () => {
  const time = { now: Date.now() };
  const { system, viewers, told, open, log } = setUp(50, time);
  system.share({ type: 'share.created', shareId: 's2', sessionId: 't1', role: 'viewer', expiresAt: time.now + 150, by: 'alice', users: ['bob'] });
  const viewer = open();
  assert.is(viewer.share!.shareId, 's1', 'the participant share first');
  time.now += 100;
  await waitFor(() => told.length === 1, 'the move told', 5_000);
  assert.equal(told, ['role: viewer']);
  assert.equal([viewer.share!.shareId, viewer.share!.expiresAt], ['s2', time.now + 50]);
  assert.ok(log.some((e) => e.type === 'share.joined' && e.shareId === 's2'), 'joined through the other share');
  time.now += 100;
  await waitFor(() => told.length === 2, 'the second expiry told', 5_000);
  assert.match(told[1], /^ended: This share link has expired/);
  viewers.close();
});

test('a role change and a revoke are told at once; an expiry cuts the socket off by itself', async () => {
  const { system, viewers, told, open } = setUp();
  const viewer = open();
  system.share({ type: 'share.roleChanged', ...base, who: 'bob', role: 'viewer' });
  await waitFor(() => told.length === 1, 'the role change told');
  assert.equal(told, ['role: viewer']);
  assert.is(viewer.share!.role, 'viewer');
  system.share({ type: 'share.revoked', ...base });
  await waitFor(() => told.length === 2, 'the revoke told');
  assert.match(told[1], /^ended: The owner revoked this share link/);
  viewers.close();

  const soon = setUp(50, { now: Date.now() });
  soon.open();
  // nothing in the log changes: the share's own end is what cuts it off
  soon.time.now += 100;
  await waitFor(() => soon.told.length === 1, 'the expiry told', 5_000);
  assert.match(soon.told[0], /^ended: This share link has expired/);
  soon.viewers.close();
});

test("a socket is cut off at its share's expiry even when its timer fired early: the wall clock was stepped back meanwhile", async () => {
  const { viewers, told, open, time } = setUp(50);
  open();
  // Timers run on the monotonic clock: the expiry's fires in about 50 ms, while this wall clock
  // stands still (as one stepped back would), so it finds the share still live.
  await new Promise((resolve) => setTimeout(resolve, 150));
  assert.equal(told, [], 'not expired by the wall clock');
  // the wall clock goes past the expiry, and nothing is logged: only an expiry timer armed again can tell
  time.now += 100;
  await waitFor(() => told.length === 1, 'the expiry told', 5_000);
  assert.match(told[0], /^ended: This share link has expired/);
  viewers.close();
});

test.run();
