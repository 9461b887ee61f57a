// The ended terminals' scrollback budget (src/server/ended-scrollback.ts) on its own: past it the
// oldest-ended give up their oldest bytes first, offsets kept (an attach is told what is gone);
// a restart or a close leaves the set; a running terminal is never touched; in a team mode the
// person whose ended terminals hold the most gives first, so one person's pile of ended terminals
// never takes another's; the operator is told once. What is counted is what a scrollback costs:
// its bytes and each change of stream between them (1 MiB of stdout and stderr taking turns a byte
// a write held 266 MiB when only bytes counted). Following the log, it looks at the session list
// once for a burst of ends, and not at all for a close: a read folds the entries the lists have
// not taken yet, so a read per entry made a close of 1,000 ended terminals 1,000 copies.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { EndedScrollbacks } from '../../src/server/ended-scrollback.ts';
import { Scrollback } from '../../src/server/scrollback.ts';
import { CHANGE_COST } from '../../src/server/channel-changes.ts';
import { FakeExecAdapter } from '../../src/adapters/fake-exec.ts';
import { MemoryStore } from '../../src/events/store.ts';
import { VirtualClock } from '../../src/runtime/clock.ts';
import { ExecSystem } from '../../src/runtime/exec-system.ts';
import type { LogEntry } from '../../src/events/log-entry.ts';
import type { SessionRow } from '../../src/protocol/index.ts';
import { settle, t0 } from '../support/system.ts';

const printed = (bytes: number, limit = 1 << 20) => {
  const scrollback = new Scrollback(limit);
  for (let at = 0; at < bytes; at += 100) scrollback.append(new Uint8Array(Math.min(100, bytes - at)).fill(0x61));
  return scrollback;
};
const turn = () => new Promise((resolve) => setImmediate(resolve));
const told = () => {
  const warnings: string[] = [];
  return { warnings, warn: (message: string) => void warnings.push(message) };
};

test('past the budget the oldest-ended give up their oldest bytes first, offsets kept; the operator is told once', () => {
  const { warnings, warn } = told();
  const ended = new EndedScrollbacks(1000, warn);
  const [a, b, c] = [printed(600), printed(600), printed(600)];
  ended.ended('a', '', a);
  ended.ended('b', '', b);
  assert.equal([a.start, a.size, b.size], [200, 400, 600], 'the oldest gave the oldest 200 bytes');
  ended.ended('c', '', c);
  assert.equal([a.start, a.end, a.size], [600, 600, 0], 'the oldest gave all it had, its end where it was');
  assert.equal([b.start, b.size, c.size], [200, 400, 600]);
  assert.equal(b.since(0).from, 200, 'an attach from 0 starts where its bytes start: 200 dropped');
  assert.is(ended.bytes, 1000);
  ended.ended('a', '', a); // an entry after its end (a recording stopping): it keeps its place
  ended.ended('d', '', printed(100));
  assert.equal([b.size, c.size], [300, 600], 'the next oldest that holds anything gave');
  assert.is(warnings.length, 1, warnings.join('\n'));
  assert.match(warnings[0], /--ended-scrollback \(1000 bytes\)/);
});

test('a restart or a close leaves the set: what it holds is counted no more, and taken no more', () => {
  const ended = new EndedScrollbacks(1000, () => {});
  const [a, b] = [printed(500), printed(500)];
  ended.ended('a', '', a);
  ended.ended('b', '', b);
  ended.left('a'); // restarted: it runs again, and prints
  a.append(new Uint8Array(400));
  assert.is(ended.bytes, 500);
  const c = printed(900);
  ended.ended('c', '', c);
  assert.equal([a.start, a.size], [0, 900], 'the running one untouched, though it ended first');
  assert.is(b.size, 100);
  ended.left('b'); // closed
  ended.left('b');
  assert.is(ended.bytes, 900);
  ended.ended('a', '', a); // ended again: now the newest
  assert.equal([a.size, c.size, ended.bytes], [900, 100, 1000], 'c ended before it now: c gave');
});

test('output that comes after the end is counted too', () => {
  const ended = new EndedScrollbacks(1000, () => {});
  const a = printed(900);
  ended.ended('a', '', a);
  a.append(new Uint8Array(300));
  ended.grew('a');
  assert.equal([a.size, ended.bytes], [1000, 1000]);
  ended.grew('not ended');
});

test('after many ends of two people the total keeps to the budget, and the one who holds the most gives first', () => {
  const budget = 64 * 1024;
  const ended = new EndedScrollbacks(budget, () => {});
  const held = new Map<string, Scrollback>();
  const theirs = [printed(1000), printed(3000)];
  ended.ended('b1', 'bob', theirs[0]);
  for (let i = 0; i < 2000; i++) {
    const scrollback = printed(100 + ((i * 7919) % 20_000));
    held.set(`a${i}`, scrollback);
    ended.ended(`a${i}`, 'alice', scrollback);
    if (i === 1000) ended.ended('b2', 'bob', theirs[1]);
    assert.ok(ended.bytes <= budget, `after ${i}: ${ended.bytes}`);
  }
  assert.equal(theirs.map((s) => s.start), [0, 0], "bob's are whole: alice's ended terminals paid for alice's");
  const alices = [...held.values()].reduce((sum, s) => sum + s.size, 0);
  assert.equal([ended.heldBy('alice'), ended.heldBy('bob'), ended.bytes], [alices, 4000, alices + 4000]);
  assert.ok(ended.bytes > budget - 20_000, `the budget is used, not emptied: ${ended.bytes}`);
  const kept = [...held.values()].map((s) => s.size > 0);
  assert.ok(kept.indexOf(true) > 0 && kept.slice(kept.indexOf(true)).every(Boolean), 'the oldest-ended gave all, the newest kept theirs');
});

test('stdout and stderr taking turns: each change of stream counts against the budget with the bytes', () => {
  const ended = new EndedScrollbacks(1000, () => {});
  const turns = () => {
    const scrollback = new Scrollback(1 << 20);
    for (let i = 0; i < 100; i++) scrollback.append(new Uint8Array([0x61]), i % 2 ? 'stderr' : 'stdout');
    return scrollback;
  };
  const [a, b] = [turns(), turns()];
  ended.ended('a', '', a);
  assert.equal([a.size, a.cost, ended.bytes], [100, 100 + 99 * CHANGE_COST, 892]);
  ended.ended('b', '', b);
  // 1,784 for 1,000: the oldest keeps what costs 108 at most, 12 bytes and 11 changes
  assert.equal([a.start, a.size, a.cost, b.cost, ended.bytes], [88, 12, 100, 892, 992]);
  assert.equal(a.since(0).runs.map((run) => run.channel).join(' '), 'stdout stderr '.repeat(6).trim(), 'each byte on its stream');
});

test('told by the log: an ended row counts, a running one is never touched, a restarted or closed one leaves', async () => {
  const rows: Record<string, SessionRow> = {};
  const listeners: ((entry: LogEntry) => void)[] = [];
  const system = { sessionList: { byId: rows }, onEntry: (l: (entry: LogEntry) => void) => (listeners.push(l), () => {}) } as unknown as ExecSystem;
  const scrollbacks: Record<string, Scrollback> = { live: printed(800), done: printed(800), later: printed(800) };
  const entry = (sessionId: string, type: LogEntry['type'], state?: SessionRow['state']) => {
    if (state) rows[sessionId] = { sessionId, state, person: { user: 'ann', groups: [] as string[] } } as SessionRow;
    else delete rows[sessionId];
    for (const listener of listeners) listener({ type, sessionId } as LogEntry);
  };
  const ended = new EndedScrollbacks(1000, () => {});
  ended.follow(system, (id) => scrollbacks[id]);
  entry('live', 'session.connected', 'interactive');
  entry('done', 'session.exited', 'exited');
  entry('later', 'session.failed', 'failed');
  await turn(); // the ends of a step are looked at after it
  assert.equal([scrollbacks.live.size, scrollbacks.done.size, scrollbacks.later.size], [800, 200, 800]);
  assert.equal([ended.heldBy('ann'), ended.bytes], [1000, 1000]);
  entry('done', 'session.restarted', 'connecting');
  entry('later', 'session.closed');
  assert.is(ended.bytes, 0, 'a restart and a close leave at once');
  entry('done', 'session.exited', 'exited');
  entry('done', 'session.closed');
  await turn();
  assert.is(ended.bytes, 0, 'one that ended and closed in one step is not counted');
});

test('a burst of ends, then of closes: the session list is read once, not once an entry (each read folds the lists)', async () => {
  const N = 200;
  const system = ExecSystem.open({ adapter: new FakeExecAdapter((s) => void s.open()), store: new MemoryStore(), config: { maxLiveSessions: 10 * N }, clock: (start) => new VirtualClock(Math.max(start, t0)), snapshots: false });
  let reads = 0;
  const read = Object.getOwnPropertyDescriptor(ExecSystem.prototype, 'sessionList')!.get!;
  Object.defineProperty(system, 'sessionList', { get: () => (reads++, read.call(system)) });
  const scrollbacks = new Map<string, Scrollback>();
  const ended = new EndedScrollbacks(1 << 20, () => {});
  ended.follow(system, (id) => scrollbacks.get(id) ?? scrollbacks.set(id, printed(100)).get(id));
  const targets = Array.from({ length: N }, (_, i) => ({ namespace: 'batch', pod: `w${i}`, container: 'main' }));
  const batchId = system.batch({ argv: ['sleep', '60'], requestedBy: 'ann', person: { user: 'ann', groups: [] }, concurrency: N }, targets, []);
  await settle();
  await turn();
  reads = 0;
  assert.ok(system.cancelBatch(batchId)); // N terminals stopped, in one step
  await turn();
  assert.is(reads, 1, 'the ends of the step, looked at together');
  assert.equal([ended.heldBy('ann'), ended.bytes], [100 * N, 100 * N]);
  reads = 0;
  assert.is(system.closeAllEnded().length, N);
  await turn();
  assert.equal([reads, ended.bytes], [0, 0], 'a close says all');
  await system.shutdown();
});

test.run();
