// Figure 7: the event log. Append rate to the JSONL store, and replay rate: how fast a log
// rebuilds the actors and the projections after a restart (ExecSystem.replayOnly); bytes per entry.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeExecAdapter } from '../../src/adapters/fake-exec.ts';
import { FileStore } from '../../src/events/file-store.ts';
import type { LogEntry } from '../../src/events/log-entry.ts';
import { VirtualClock } from '../../src/runtime/clock.ts';
import { ExecSystem } from '../../src/runtime/exec-system.ts';
import type { Figure } from '../harness.ts';

/** A realistic log: sessions that open, stay active a while (1 s activity ticks), and exit. */
function recordLog(path: string, events: number): number {
  const adapter = new FakeExecAdapter();
  const system = ExecSystem.open({ adapter, store: new FileStore(path), clock: (start) => new VirtualClock(start), config: { maxLiveSessions: 1_000 } });
  let count = 0;
  system.onEntry(() => count++);
  const started = performance.now();
  while (count < events) {
    system.exec({ target: { namespace: 'default', pod: 'web', containers: ['nginx'] }, command: { shell: 'auto' }, interactive: true, requestedBy: 'bench' }, ['nginx']);
    const stream = adapter.last();
    stream.open();
    for (let tick = 0; tick < 200 && count < events; tick++) {
      system.clock.advanceBy(1_000);
      stream.stdout('x');
    }
    stream.exit(0);
  }
  const seconds = (performance.now() - started) / 1000;
  system.shutdown();
  return count / seconds;
}

export const eventLogFigure: Figure = {
  id: '7',
  title: 'Event log: append and replay rates (JSONL store), bytes per entry',
  async run(ctx) {
    const events = ctx.quick ? 50_000 : 1_000_000;
    const append: number[] = [];
    const replay: number[] = [];
    const bytes: number[] = [];
    for (let round = 0; round < ctx.rounds; round++) {
      const dir = mkdtempSync(join(tmpdir(), 'octant-exec-bench-log-'));
      const path = dir;
      // the append rate includes the machines deciding each fact: that is what a live server pays
      append.push(recordLog(path, events));
      const entries: LogEntry[] = [...new FileStore(path).read(0)];
      bytes.push(statSync(join(dir, 'log', 'events-000000000001.jsonl')).size / entries.length);
      const started = performance.now();
      ExecSystem.replayOnly({ adapter: new FakeExecAdapter(), store: new FileStore(path), clock: (start) => new VirtualClock(start), config: { maxLiveSessions: 1_000 } });
      replay.push(entries.length / ((performance.now() - started) / 1000));
      rmSync(dir, { recursive: true, force: true });
      ctx.log(`event log round ${round + 1}: ${entries.length} entries`);
    }
    return {
      id: this.id,
      title: this.title,
      series: [
        { subject: 'octant-exec', metric: 'append (live, machines included)', unit: 'events/s', better: 'higher', samples: append },
        { subject: 'octant-exec', metric: 'replay (actors + projections)', unit: 'events/s', better: 'higher', samples: replay },
        { subject: 'octant-exec', metric: 'file size per entry', unit: 'bytes', better: 'lower', samples: bytes },
      ],
      notes: [`${events} events per round`],
    };
  },
};
