// Retention and shares: a closed terminal's share facts go with its other entries once it is old
// enough, and who joined it stays, in the audit record kept for its run; a recent terminal's
// shares stay whole.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { FakeExecAdapter } from '../../src/adapters/fake-exec.ts';
import { FileStore } from '../../src/events/file-store.ts';
import type { LogEntry } from '../../src/events/log-entry.ts';
import { project } from '../../src/events/projection.ts';
import { auditTrail } from '../../src/events/projections/audit-trail.ts';
import { VirtualClock } from '../../src/runtime/clock.ts';
import { ExecSystem } from '../../src/runtime/exec-system.ts';
import { compactionPolicy } from '../../src/runtime/log-upkeep.ts';
import { settle, shellIn } from '../support/system.ts';
import { withTempDir } from '../support/temp-dir.ts';

const test = suite('event log: shares under retention');
const DAY = 86_400_000;
const day0 = Date.UTC(2026, 0, 1);

test('an old closed terminal\'s shares go, its joins (and whether they typed) kept in its audit record; a recent one\'s shares stay', () =>
  withTempDir(async (dir) => {
    const adapter = new FakeExecAdapter((s) => void s.open());
    const store = new FileStore(dir, { segmentBytes: 4096 });
    const system = ExecSystem.open({ adapter, store, clock: () => new VirtualClock(day0), snapshots: false });
    const busy = (times: number) => {
      for (let i = 0; i < times; i++) {
        system.clock.advanceBy(30_000);
        for (const stream of adapter.live()) stream.stdout('x');
      }
    };
    const shareOf = (sessionId: string, shareId: string) => {
      system.share({ type: 'share.created', shareId, sessionId, role: 'participant', expiresAt: system.clock.now() + 3_600_000, by: 'alice', users: ['bob'] });
      system.share({ type: 'share.joined', shareId, sessionId, who: 'bob', role: 'participant' });
      system.share({ type: 'share.typed', shareId, sessionId, who: 'bob' });
    };
    system.exec(shellIn('web'), ['nginx']); // t1: shared, closed on day 0
    await settle();
    shareOf('t1', 'old');
    busy(5);
    adapter.last().exit(0);
    system.close('t1');
    system.clock.advanceBy(95 * DAY);
    system.exec(shellIn('web'), ['nginx']); // t2: shared now
    await settle();
    shareOf('t2', 'new');
    busy(150); // sealed segments before the compaction base (only those are rewritten)
    assert.ok(system.writeSnapshot());
    system.resize('t2', 100, 30);
    assert.ok(system.writeSnapshot()); // compaction works up to the older of the two newest snapshots
    busy(200); // a new segment after the base, so every entry before it is in sealed ones
    const before = [...store.read(0)];
    await store.compact(compactionPolicy(store, { days: 90, auditDays: 0 }, system.clock.now(), () => {})!);
    const after = [...store.read(0)];
    const shareFacts = (entries: LogEntry[]) => entries.filter((e) => e.type.startsWith('share.')).map((e) => ('shareId' in e ? `${e.type} ${e.shareId}` : e.type));
    assert.equal(shareFacts(before), ['share.created old', 'share.joined old', 'share.typed old', 'share.created new', 'share.joined new', 'share.typed new']);
    assert.equal(shareFacts(after), ['share.created new', 'share.joined new', 'share.typed new']);
    const kept = after.find((e) => e.type === 'audit.record');
    assert.equal(kept?.type === 'audit.record' ? kept.record.joined?.map((j) => [j.who, j.role, j.shareId, typeof j.typedAt]) : undefined, [['bob', 'participant', 'old', 'number']], 'who joined, and that they typed');
    const trail = (entries: LogEntry[]) => JSON.parse(JSON.stringify(project(auditTrail(Infinity), entries).records));
    assert.equal(trail(after), trail(before), 'the audit trail read from the log is the same, joins included');
    await system.shutdown();
  }));

test.run();
