// The counts a scrape reads (src/server/metrics/server-metrics.ts), in-process: a run is counted
// once when it starts and once when it ends, however it ends (a close while it runs included,
// never a close of an ended terminal); with replicas on one log, each counts the runs it holds
// and its own pages, so a sum over the replicas counts each once (a page watching another
// replica's terminal: its socket on its replica, not the relay on the holder).
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { FakeExecAdapter } from '../../src/adapters/fake-exec.ts';
import { ExecSystem } from '../../src/runtime/exec-system.ts';
import { SHARED_SNAPSHOT_FORMAT } from '../../src/runtime/system-snapshot.ts';
import { ServerMetrics } from '../../src/server/metrics/server-metrics.ts';
import { exposition } from '../../src/server/metrics/exposition.ts';
import { MemoryLog } from '../support/memory-shared-store.ts';
import { makeSystem, settle, shellIn } from '../support/system.ts';
import { waitFor } from '../support/wait.ts';
import { StreamClient } from './support.ts';
import { shellListedByBoth, withTwoReplicas } from './replica-pair.ts';

const test = suite('metrics counts', { deadlineMs: 120_000 });

function read(metrics: ServerMetrics): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of exposition(metrics.families()).split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}
const runs = (samples: Map<string, number>) => ({
  started: samples.get('octant_exec_runs_started_total'),
  ended: Object.fromEntries([...samples].filter(([key, value]) => key.startsWith('octant_exec_runs_ended_total') && value > 0).map(([key, value]) => [key.replace(/.*how="(\w+)".*/, '$1'), value])),
});

test('a run closed while it runs ends as closed; a restart is a run; closing an ended terminal counts nothing', async () => {
  const made = makeSystem({ script: (s) => void s.open() });
  const metrics = new ServerMetrics(made.system, { pageCount: 0 });
  try {
    const opened = made.system.exec(shellIn('web', ['nginx', 'sidecar']), ['nginx', 'sidecar']);
    assert.ok('sessionIds' in opened);
    await settle();
    const [closed, kept] = opened.sessionIds;
    assert.equal(read(metrics).get('octant_exec_terminals{state="interactive"}'), 2);
    assert.ok(made.system.close(closed));
    assert.equal(runs(read(metrics)), { started: 2, ended: { closed: 1 } });
    made.adapter.live()[0].exit(0);
    await made.system.settled();
    assert.equal(runs(read(metrics)), { started: 2, ended: { exited: 1, closed: 1 } });
    assert.ok(made.system.restart(kept));
    await made.system.settled();
    made.adapter.last().exit(1);
    await made.system.settled();
    assert.ok(made.system.close(kept));
    assert.equal(runs(read(metrics)), { started: 3, ended: { exited: 2, closed: 1 } }, 'the close of an ended terminal ends no run');
    assert.equal(read(metrics).get('octant_exec_terminals{state="exited"}'), 0);
  } finally {
    metrics.close();
    await made.system.shutdown();
  }
});

test('replicas on one log: the replica that runs a terminal counts it and its run; the other lists it and counts neither', async () => {
  const log = new MemoryLog();
  const open = async (name: string) => {
    const store = log.open(`http://${name}:7788`);
    const start = await store.start((format) => format === SHARED_SNAPSHOT_FORMAT);
    const system = ExecSystem.openShared({ adapter: new FakeExecAdapter((s) => void s.open()), store, start, warn: () => {} });
    return { system, metrics: new ServerMetrics(system, { pageCount: 0 }) };
  };
  const [a, b] = [await open('a'), await open('b')];
  try {
    const opened = a.system.exec(shellIn('web'), ['nginx']);
    assert.ok('sessionIds' in opened);
    await a.system.settled();
    await waitFor(() => b.system.sessionList.byId[opened.sessionIds[0]]?.state === 'interactive', 'B lists it running');
    assert.equal([read(a.metrics).get('octant_exec_terminals{state="interactive"}'), read(b.metrics).get('octant_exec_terminals{state="interactive"}')], [1, 0]);
    assert.equal([runs(read(a.metrics)).started, runs(read(b.metrics)).started], [1, 0]);
    assert.ok(b.system.close(opened.sessionIds[0]) || a.system.close(opened.sessionIds[0]));
    await waitFor(() => runs(read(a.metrics)).ended.closed === 1, 'A counts its run ended by the close');
    assert.equal(runs(read(b.metrics)).ended, {});
  } finally {
    a.metrics.close();
    b.metrics.close();
    await a.system.shutdown();
    await b.system.shutdown();
  }
});

test("a page on B watching A's terminal is one page socket over the replicas, B's (A's relay link is not a page)", async () => {
  await withTwoReplicas(async (a, b, pages) => {
    const id = await shellListedByBoth(a, b);
    const page = await StreamClient.open(b);
    pages.push(page);
    await page.attach(id, { from: 0, ack: true });
    page.type(id, 'echo relay-$((6*7))\n');
    await page.waitForText(id, 'relay-42');
    assert.equal([a.hub.pageCount, b.hub.pageCount], [0, 1]);
    assert.ok(a.hub.clientCount >= 1, 'A does hold the relay socket');
  });
});

test.run();
