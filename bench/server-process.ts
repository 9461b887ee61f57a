// The server under test in its own Node process, as a user runs it: the bench process plays the
// browser (and kubectl's terminal), so the server's memory and CPU are measured apart from them.
// Options come as one JSON argument; the process answers on its IPC channel:
//   ready  {url, token, socketUrl, kubeconfigPath}    once started
//   usage  {rss, heapTotal, external, youngGeneration, cpuMs}  to {type: "usage"}; with {gc: true}, after a full
//          garbage collection and half a second for V8 to hand back the pages it freed
//   heap   {memory}  to {type: "heap", path}: a heap snapshot written to path (bench/idle-heap.ts)
// and closes everything on {type: "close"} (or on SIGTERM). With `store` and `advertise` it is a
// replica on that shared log, built as the CLI builds it from --store and --advertise.
import process from 'node:process';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';
import { collectGarbage } from './full-gc.ts';
import { startOctantExec, type OctantExecOptions } from '../src/server/app.ts';
import { sharedLogOptions, type StoreFlags } from '../src/cli/serve/store-options.ts';

/** the options a figure can send as JSON (the shared log as the CLI's flags: it cannot travel as functions) */
export type ServerProcessOptions = Omit<OctantExecOptions, 'sharedLog'> & Pick<StoreFlags, 'store' | 'advertise'>;

const { store, advertise, ...options } = JSON.parse(process.argv[2] ?? '{}') as ServerProcessOptions;
const app = await startOctantExec({ ...options, ...sharedLogOptions({ store, advertise }), env: { HOME: process.env.HOME }, warn: () => {} });
const send = (message: object) => process.send?.(message);

async function close(): Promise<void> {
  await app.close();
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
    collectGarbage();
    setTimeout(reply, 500); // V8 unmaps freed pages on a thread of its own
  } else if (message.type === 'heap' && message.path) {
    writeHeapSnapshot(message.path); // collects garbage first, so memoryUsage after it is what is live
    send({ type: 'heap', memory: process.memoryUsage() });
  } else if (message.type === 'close') void close();
});
// A replica that lost its lease must stop (docs/scaling.md): say why, so the figure waiting on it is not a silent hang.
void app.fatal.then((why) => {
  process.stderr.write(`server-process: ${why}\n`);
  void close();
});
process.on('SIGTERM', () => void close());
process.on('disconnect', () => void close());
send({ type: 'ready', url: app.url, token: app.token, socketUrl: app.socketUrl, kubeconfigPath: app.kubeconfigPath });
