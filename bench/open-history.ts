// One start, measured in a process of its own (bench figure 7): opens the state directory given
// as it is (ExecSystem.open on the file store, as the server does), then prints one JSON line:
// how long the open took, what it replayed, the process's memory after a garbage collection,
// and how long the snapshot a server would then write takes. Run with --expose-gc.
import process from 'node:process';
import { FakeExecAdapter } from '../src/adapters/fake-exec.ts';
import { FileStore } from '../src/events/file-store.ts';
import { ExecSystem } from '../src/runtime/exec-system.ts';

const collect = () => (globalThis as { gc?: () => void }).gc?.();
const started = performance.now();
const system = ExecSystem.open({ adapter: new FakeExecAdapter(), store: new FileStore(process.argv[2]), config: { maxLiveSessions: 64 }, snapshots: false, warn: (w) => process.stderr.write(`${w}\n`) });
const ms = performance.now() - started;
collect();
const memory = process.memoryUsage();
const writing = performance.now();
const wrote = system.writeSnapshot();
const snapshotMs = wrote ? performance.now() - writing : undefined;
process.stdout.write(JSON.stringify({ ms, replayed: system.replayReport.entries, fromSnapshot: system.replayReport.snapshot !== undefined, rss: memory.rss, heapUsed: memory.heapUsed, snapshotMs }) + '\n');
