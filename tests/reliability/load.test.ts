// The load scenario in its short form (the full one is `npm run test:load`): nothing lost,
// nothing out of order, no exit code wrong or missing.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { runLoad } from './load-scenario.ts';

test('60 sessions at once, 10 random and 10 text streams: every byte and every exit code checked', async () => {
  const report = await runLoad({ sessions: 60, streams: 10, bytes: 2_000_000 });
  console.log(`    (${report.sessions} sessions, ${(report.streamedBytes / 1e6).toFixed(1)} MB in ${report.seconds.toFixed(1)} s; peak RSS ${report.peakRssMiB} MiB; event-loop delay p99 ${report.eventLoopDelayP99Ms} ms)`);
  assert.equal(report.problems, []);
  assert.is(report.sessions, 60);
});

test.run();
