// The server under test in its own Node process, as a user runs it: the bench process plays the
// browser (and kubectl's terminal), so the server's memory and CPU are measured apart from them.
// Options come as one JSON argument; the process answers on its IPC channel:
//   ready  {url, token, socketUrl, kubeconfigPath}    once started
//   usage  {rss, heapTotal, external, youngGeneration, cpuMs}  to {type: "usage"}; with {gc: true}, read as gc reads it
//   heap   {memory}  to {type: "heap", path}: a heap snapshot written to path (bench/idle-heap.ts)
//   gc     {memory}  to {type: "gc"}: process.memoryUsage() after full collections, once RSS stops falling
// and closes everything on {type: "close"} (or on SIGTERM). With `store` and `advertise` it is a
// replica on that shared log, built as the CLI builds it from --store and --advertise.
import { createWriteStream } from 'node:fs';
import process from 'node:process';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';
import { collectGarbage } from './full-gc.ts';
import { startOctantExec, type OctantExecOptions } from '../src/server/app.ts';
import { sharedLogOptions, type StoreFlags } from '../src/cli/serve/store-options.ts';

/**
 * the options a figure can send as JSON (the shared log as the CLI's flags: it cannot travel as
 * functions, nor can a page build: `uiDir` is a folder); `warnings`: a file the server's warnings are appended to, timed (else they are dropped:
 * on the console they would mix with the figures' output)
 */
export type ServerProcessOptions = Omit<OctantExecOptions, 'sharedLog' | 'warn' | 'uiDir'> & Pick<StoreFlags, 'store' | 'advertise'> & { warnings?: string; uiDir?: string };

const { store, advertise, warnings, ...options } = JSON.parse(process.argv[2] ?? '{}') as ServerProcessOptions;
const warningLog = warnings ? createWriteStream(warnings, { flags: 'a' }) : undefined;
const warn = (message: string) => warningLog?.write(`${new Date().toISOString()} ${message}\n`);
const app = await startOctantExec({ ...options, ...sharedLogOptions({ store, advertise }), env: { HOME: process.env.HOME }, warn });
const send = (message: object) => process.send?.(message);

/**
 * Memory after full collections (full-gc.ts), a second apart until RSS falls by less than 1 MiB:
 * the heap and the allocator give pages back to the system a while after a collection, tens of MiB
 * on a process that was busy.
 */
async function settledMemory(): Promise<NodeJS.MemoryUsage> {
  let previous = Infinity;
  for (let tries = 0; tries < 10; tries++) {
    collectGarbage();
    const memory = process.memoryUsage();
    if (previous - memory.rss < 2 ** 20) return memory;
    previous = memory.rss;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  return process.memoryUsage();
}

async function close(): Promise<void> {
  await app.close();
  await new Promise<void>((resolve) => (warningLog ? warningLog.end(resolve) : resolve()));
  process.exit(0);
}

process.on('message', (message: { type: string; path?: string; gc?: boolean }) => {
  if (message.type === 'usage') {
    const reply = () => {
      const cpu = process.cpuUsage();
      const { rss, heapTotal, external } = process.memoryUsage();
      const youngGeneration = getHeapSpaceStatistics()
        .filter((space) => space.space_name === 'new_space' || space.space_name === 'new_large_object_space')
        .reduce((sum, space) => sum + space.space_size, 0);
      send({ type: 'usage', rss, heapTotal, external, youngGeneration, cpuMs: (cpu.user + cpu.system) / 1000 });
    };
    if (!message.gc) return reply();
    void settledMemory().then(reply);
  } else if (message.type === 'heap' && message.path) {
    writeHeapSnapshot(message.path); // collects garbage first, so memoryUsage after it is what is live
    send({ type: 'heap', memory: process.memoryUsage() });
  } else if (message.type === 'gc') {
    void settledMemory().then((memory) => send({ type: 'gc', memory }));
  } else if (message.type === 'close') void close();
});
// A replica that lost its lease must stop (docs/scaling.md): say why, so the figure waiting on it is not a silent hang.
void app.fatal.then((why) => {
  process.stderr.write(`server-process: ${why}\n`);
  warn(`server-process: stopping: ${why}`);
  void close();
});
process.on('SIGTERM', () => void close());
process.on('disconnect', () => void close());
send({ type: 'ready', url: app.url, token: app.token, socketUrl: app.socketUrl, kubeconfigPath: app.kubeconfigPath });
