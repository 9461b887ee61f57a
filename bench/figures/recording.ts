// Figure 13: what recording a busy terminal costs the server. One terminal writes 200 MB (quick
// 20 MB) of coloured log lines over a virtual hour, in 16 KiB chunks, through the server's own
// path in-process: the fake cluster's stream → the data plane → the recorder's asciicast writer
// (the actors and the event log as a server has them; no sockets, no cluster: a live hour of
// 200 MB is not what a bench run can wait for). Subjects, interleaved: not recorded; recorded
// under the default limit (64 MiB; quick 8 MiB), which the recording must stop at; recorded
// with the limit out of reach (1 GiB), so every byte is recorded. One warm-up hour of each
// subject goes first, unmeasured (the first rounds paid for the JIT and the disk cache: the
// limited recording looked dearer per MB than the whole one). The loop yields after each chunk,
// as a server's event loop does, so the recorder's asynchronous writes go on meanwhile, as they
// would in a server. Measured: the process's CPU
// time for the hour and per MB of output, the recording's bytes on disk as written and
// compressed at rest, and the time compression takes at the end.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { FakeExecAdapter } from '../../src/adapters/fake-exec.ts';
import { FileStore } from '../../src/events/file-store.ts';
import { Recorder } from '../../src/recording/recorder.ts';
import { FileRecordings } from '../../src/recording/file-recordings.ts';
import { DEFAULT_RECORD_MAX_BYTES } from '../../src/recording/recording-policy.ts';
import { VirtualClock } from '../../src/runtime/clock.ts';
import { ExecSystem } from '../../src/runtime/exec-system.ts';
import type { Figure, Series } from '../harness.ts';

const CHUNK = 16 * 1024;
const HOUR_MS = 3_600_000;
const NOT_RECORDED = 'not recorded';

interface Hour {
  cpuMs: number;
  /** the recording as written, and as kept at rest */
  castBytes: number;
  gzBytes: number;
  compressMs: number;
  stopped?: string;
}

/** 16 KiB of log lines with colours, as a busy build or server prints them. */
function chunkOfLines(seed: number): Uint8Array {
  let text = '';
  for (let i = seed; text.length < CHUNK; i++) text += `\x1b[32mINFO\x1b[0m 2026-12-01T12:${String(i % 60).padStart(2, '0')}:00Z worker-${i % 7} processed item ${i * 7919} in ${i % 97} ms\r\n`;
  return new TextEncoder().encode(text.slice(0, CHUNK));
}

async function hour(totalBytes: number, maxBytes: number | undefined): Promise<Hour> {
  const dir = mkdtempSync(join(tmpdir(), 'octant-exec-bench-recording-'));
  try {
    const adapter = new FakeExecAdapter();
    const store = new FileStore(dir);
    const system = ExecSystem.open({ adapter, store, clock: () => new VirtualClock(Date.UTC(2026, 11, 1, 12)), snapshots: false, warn: () => {} });
    const recorder = maxBytes === undefined ? undefined : new Recorder(system, new FileRecordings(join(dir, 'recordings')), { mode: 'all', input: false, maxBytes }, () => {}, () => system.clock.now());
    const chunks = Array.from({ length: 8 }, (_, i) => chunkOfLines(i * 1000));
    const cpuBefore = process.cpuUsage();
    system.exec({ target: { namespace: 'default', pod: 'web', containers: ['nginx'] }, command: { shell: 'sh' }, interactive: true, requestedBy: 'bench' }, ['nginx']);
    const stream = adapter.last().open();
    const count = Math.ceil(totalBytes / CHUNK);
    for (let i = 0; i < count; i++) {
      system.clock.advanceBy(HOUR_MS / count);
      stream.stdout(chunks[i % chunks.length]);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const cpu = process.cpuUsage(cpuBefore);
    const compressStart = performance.now();
    stream.exit(0);
    await recorder?.close();
    const compressMs = recorder ? performance.now() - compressStart : 0;
    // as written: the size the log gives when the recording stopped (the writes are asynchronous)
    const castBytes = system.auditTrail.records[0]?.recording?.bytes ?? 0;
    const stopped = system.auditTrail.records[0]?.recording?.stopped;
    const stoppedEarly = stopped !== 'ended' ? stopped : undefined;
    const gzBytes = recorder ? readdirSync(join(dir, 'recordings')).reduce((sum, name) => sum + statSync(join(dir, 'recordings', name)).size, 0) : 0;
    await system.shutdown();
    return { cpuMs: (cpu.user + cpu.system) / 1000, castBytes, gzBytes, compressMs, ...(stoppedEarly ? { stopped: stoppedEarly } : {}) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const recordingFigure: Figure = {
  id: '13',
  title: 'recording a busy terminal: CPU and disk',
  async run(ctx) {
    const totalBytes = (ctx.quick ? 20 : 200) * 1e6;
    const limit = ctx.quick ? 8 * 1024 * 1024 : DEFAULT_RECORD_MAX_BYTES;
    const subjects: Record<string, number | undefined> = { [NOT_RECORDED]: undefined, [`recorded, ${limit / 2 ** 20} MiB limit`]: limit, 'recorded, whole (1 GiB limit)': 2 ** 30 };
    const hours = new Map<string, Hour[]>(Object.keys(subjects).map((name) => [name, []]));
    for (const [name, maxBytes] of Object.entries(subjects)) {
      const warm = await hour(totalBytes, maxBytes);
      ctx.log(`warm-up, not counted: ${name}: ${warm.cpuMs.toFixed(0)} ms CPU`);
    }
    // a quick run's one round is too few samples to compare subjects: at least three here (a quick hour is short)
    const rounds = Math.max(ctx.rounds, 3);
    for (let round = 0; round < rounds; round++) {
      for (const [name, maxBytes] of Object.entries(subjects)) {
        const result = await hour(totalBytes, maxBytes);
        hours.get(name)!.push(result);
        ctx.log(`${name}: ${result.cpuMs.toFixed(0)} ms CPU, ${(result.castBytes / 2 ** 20).toFixed(1)} MiB written, ${(result.gzBytes / 2 ** 20).toFixed(1)} MiB at rest${result.stopped ? ` (stopped: ${result.stopped})` : ''}`);
      }
    }
    const mb = totalBytes / 1e6;
    const series: Series[] = [];
    for (const [subject, samples] of hours) {
      series.push({ subject, metric: `server CPU for the hour (${mb} MB)`, unit: 'ms', better: 'lower', samples: samples.map((h) => h.cpuMs) });
      series.push({ subject, metric: 'server CPU per MB of output', unit: 'ms', better: 'lower', samples: samples.map((h) => h.cpuMs / mb) });
      if (subjects[subject] === undefined) continue;
      series.push({ subject, metric: 'recording on disk, as written', unit: 'MiB', better: 'lower', samples: samples.map((h) => h.castBytes / 2 ** 20) });
      series.push({ subject, metric: 'recording at rest (gzip)', unit: 'MiB', better: 'lower', samples: samples.map((h) => h.gzBytes / 2 ** 20) });
      series.push({ subject, metric: 'compressing it when the run ends', unit: 'ms', better: 'lower', samples: samples.map((h) => h.compressMs) });
    }
    const whole = hours.get('recorded, whole (1 GiB limit)')!;
    const limited = hours.get(`recorded, ${limit / 2 ** 20} MiB limit`)!;
    return {
      id: this.id,
      title: this.title,
      series,
      ratios: [
        [`recorded, ${limit / 2 ** 20} MiB limit`, NOT_RECORDED, 'server CPU per MB of output'],
        ['recorded, whole (1 GiB limit)', NOT_RECORDED, 'server CPU per MB of output'],
      ],
      notes: [
        `in-process, virtual hour: ${mb} MB in 16 KiB chunks through the fake cluster's stream, the data plane and the recorder (the server's path without sockets), yielding to the event loop after each chunk; CPU is this process's (user + system); one warm-up hour of each subject first, not counted; ${rounds} measured rounds, subjects interleaved`,
        'compressing it when the run ends includes the last writes still under way (the writer is asynchronous)',
        `the limited recording stopped at ${Math.max(...limited.map((h) => h.castBytes))} bytes of a ${limit}-byte limit (${limited.every((h) => h.stopped === 'limit' && h.castBytes <= limit) ? 'every round stopped at the limit and stayed within it' : 'NOT within its limit in every round'})`,
        `disk per MB of output recorded (whole): ${(whole[0].castBytes / totalBytes).toFixed(2)} bytes written, ${(whole[0].gzBytes / totalBytes).toFixed(3)} at rest (log lines compress well; random bytes would not)`,
      ],
    };
  },
};
