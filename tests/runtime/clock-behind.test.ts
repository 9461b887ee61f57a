// A log written while this machine's clock was a year ahead, opened once the clock is right: the
// start says how far behind the clock is (the log's times go on from the log's: clock.ts), and a
// terminal's idle timeout still comes after its delay, not a year later.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { FakeExecAdapter } from '../../src/adapters/fake-exec.ts';
import { FileStore } from '../../src/events/file-store.ts';
import { RealTimeClock, VirtualClock } from '../../src/runtime/clock.ts';
import { warnIfClockBehind } from '../../src/runtime/clock-behind.ts';
import { ExecSystem } from '../../src/runtime/exec-system.ts';
import { settle, shellIn } from '../support/system.ts';
import { withTempDir } from '../support/temp-dir.ts';

const test = suite('a clock behind the event log');
const YEAR = 365 * 86_400_000;

test('a start on a clock a year behind its log says so once; an idle timeout still comes after its delay', () =>
  withTempDir(async (dir) => {
    const ahead = Date.now() + YEAR;
    const first = ExecSystem.open({ adapter: new FakeExecAdapter((s) => void s.open()), store: new FileStore(dir), clock: () => new VirtualClock(ahead), snapshots: false });
    first.exec(shellIn('web'), ['nginx']);
    await settle();
    await first.shutdown();

    let wall = Date.now();
    let monotonic = 0;
    const timers = { setTimeout: () => 0, clearTimeout: () => {} }; // time moves when the test says
    const store = new FileStore(dir);
    const system = ExecSystem.open({ adapter: new FakeExecAdapter((s) => void s.open()), store, clock: (start) => new RealTimeClock(() => wall, start, timers, () => monotonic), snapshots: false, config: { idleTimeoutMs: 300_000 } });
    const warnings: string[] = [];
    warnIfClockBehind(system.clock, (warning) => warnings.push(warning));
    assert.is(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0], /clock is (36[45]|366) days behind the event log's latest time/);
    const { sessionIds } = system.exec(shellIn('web'), ['nginx']) as { sessionIds: string[] };
    await settle();
    assert.is(system.sessionList.byId[sessionIds[0]].state, 'interactive');
    wall += 301_000;
    monotonic += 301_000;
    system.clock.sync();
    await settle();
    assert.is(system.sessionList.byId[sessionIds[0]].state, 'timedOut', 'the idle timeout, after its 300 s');
    await system.shutdown();

    const quiet: string[] = [];
    warnIfClockBehind(new RealTimeClock(), (warning) => quiet.push(warning));
    assert.equal(quiet, [], 'a clock that is right is not warned of');
  }),
);

test.run();
