// The keepalive setting (src/server/keepalive.ts): one interval for both hops when given, each
// hop's own default otherwise, and a value out of range refused before the server starts anything.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLUSTER_KEEPALIVE_DEFAULT_MS, KEEPALIVE_MAX_MS, KEEPALIVE_MIN_MS, PAGE_KEEPALIVE_DEFAULT_MS, keepaliveIntervals } from '../../src/server/keepalive.ts';
import { HUB_DEFAULTS } from '../../src/server/hub-options.ts';
import { startOctantExec } from '../../src/server/app.ts';

test("without a keepalive each hop keeps its own default, which passes a 30 s idle cut with room", () => {
  assert.equal(keepaliveIntervals(), { pageMs: HUB_DEFAULTS.pingIntervalMs, clusterMs: CLUSTER_KEEPALIVE_DEFAULT_MS });
  // two pings inside the shortest common cut: one late or lost ping still leaves the connection busy
  for (const ms of [PAGE_KEEPALIVE_DEFAULT_MS, CLUSTER_KEEPALIVE_DEFAULT_MS]) assert.ok(2 * ms <= 30_000, `${ms} ms`);
});

test('a keepalive is both hops\' interval, at either end of its range', () => {
  assert.equal(keepaliveIntervals(KEEPALIVE_MIN_MS), { pageMs: KEEPALIVE_MIN_MS, clusterMs: KEEPALIVE_MIN_MS });
  assert.equal(keepaliveIntervals(KEEPALIVE_MAX_MS), { pageMs: KEEPALIVE_MAX_MS, clusterMs: KEEPALIVE_MAX_MS });
});

test('out of range or not whole: refused with the range, and the server starts nothing', async () => {
  for (const bad of [0, KEEPALIVE_MIN_MS - 1, KEEPALIVE_MAX_MS + 1, 1500.5, Number.NaN]) {
    assert.throws(() => keepaliveIntervals(bad), (e: Error) => e.message.includes(`from ${KEEPALIVE_MIN_MS} to ${KEEPALIVE_MAX_MS}`) && e.message.includes('--keepalive takes seconds, 1 to 30'), String(bad));
  }
  const stateDir = join(mkdtempSync(join(tmpdir(), 'octant-exec-keepalive-')), 'state');
  try {
    const refused = await startOctantExec({ sandbox: true, port: 0, stateDir, keepaliveMs: 40_000, warn: () => {} }).then(() => undefined, (e: Error) => e);
    assert.match(refused?.message ?? 'it started', /keepalive must be whole milliseconds from 100 to 30000/);
    assert.equal(readdirSync(join(stateDir, '..')), [], 'not even the state directory was made');
  } finally {
    rmSync(join(stateDir, '..'), { recursive: true, force: true });
  }
});

test.run();
