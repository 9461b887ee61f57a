// Figure 5: scale. One server holding N idle interactive shells, each attached by a page (sockets
// of 100 sessions, like tabs): the server process's RSS per session and its CPU while they idle.
// Then, with those open, 20 active sessions (each in its own page) typing 10 keys/s each into `cat` in raw mode: p50
// and p99 keystroke echo, against the same 20 typing with no idle sessions (same run).
// The server runs bundled as the installed program is (bench/built-server.ts), not through tsx:
// tsx's keepNames gives every named function a property dictionary of its own, and an idle
// terminal holds dozens of them, about 5.6 KiB of heap a terminal that users' servers do not hold.
import { quantile, type Figure } from '../harness.ts';
import { HubClient } from '../hub-client.ts';
import { fixtureFor } from '../sandbox-fixture.ts';
import { PER_SOCKET, openIdleShells } from '../idle-shells.ts';
import { builtServerProcess } from '../built-server.ts';
import { octantExec, rawThen, readUntil, startBenchApp, type BenchApp, type BenchTerminal } from '../terminals.ts';

const ACTIVE = 20;
const KEY_INTERVAL_MS = 100;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One keystroke and its echo, in ms. */
function echoOnce(term: BenchTerminal): Promise<number> {
  return new Promise((resolve) => {
    const sentAt = performance.now();
    term.listen(() => {
      term.listen(() => {});
      resolve(performance.now() - sentAt);
    });
    term.write('x');
  });
}

/** ACTIVE sessions, each in its own page (a user's tab), typing a key every KEY_INTERVAL_MS for `ms`; every echo time. */
async function typing(bench: BenchApp, ms: number): Promise<number[]> {
  const typists = await Promise.all(Array.from({ length: ACTIVE }, () => HubClient.connect(bench.app)));
  const terms = await Promise.all(typists.map((page) => octantExec(page).open(rawThen('cat'))));
  await Promise.all(terms.map((term) => readUntil(term, 'R')));
  const times: number[] = [];
  const end = performance.now() + ms;
  await Promise.all(
    terms.map(async (term, i) => {
      await sleep((i * KEY_INTERVAL_MS) / ACTIVE); // spread the typists over the interval
      while (performance.now() < end) {
        const due = performance.now() + KEY_INTERVAL_MS;
        times.push(await echoOnce(term));
        await sleep(Math.max(0, due - performance.now()));
      }
    }),
  );
  for (const term of terms) term.close();
  await Promise.all(terms.map((term) => term.exited));
  for (const page of typists) page.close();
  return times;
}

async function cpuPercent(bench: BenchApp, ms: number): Promise<number> {
  const before = await bench.usage();
  const started = performance.now();
  await sleep(ms);
  const after = await bench.usage();
  return ((after.cpuMs - before.cpuMs) / (performance.now() - started)) * 100;
}

export const scaleFigure: Figure = {
  id: '5',
  title: 'Scale: idle sessions held by one server, and echo while they are open',
  async run(ctx) {
    const idle = ctx.quick ? 50 : 500;
    const typingMs = ctx.quick ? 3_000 : 10_000;
    const cpuWindowMs = ctx.quick ? 2_000 : 5_000;
    const built = await builtServerProcess();
    const bench = await startBenchApp({ maxSessions: idle + ACTIVE + 10, fixture: fixtureFor(idle + ACTIVE), builtServer: built.path }).catch((error: unknown) => {
      built.remove();
      throw error;
    });
    const pages: HubClient[] = [];
    try {
      await typing(bench, 1_000); // unmeasured: the first sessions pay for code loading and JIT warm-up
      const echoAlone = await typing(bench, typingMs);
      const cpuEmpty = await cpuPercent(bench, cpuWindowMs);
      const rssBefore = (await bench.usage()).rss;
      // The reading above includes garbage the server has not collected yet, which opening 500
      // shells makes plenty of (it moved this figure between 12 and 167 KiB a session); the same
      // reading after a full collection on both sides is what the idle sessions hold.
      // A full collection keeps the young generation as grown as the allocation rate left it (up
      // to a bound per process, not per session), so its growth is read apart.
      const heldBefore = await bench.usage(true);

      const opened = performance.now();
      pages.push(...(await openIdleShells(bench.app, idle)));
      const openSeconds = (performance.now() - opened) / 1000;
      await sleep(1_000);
      const rssIdle = (await bench.usage()).rss;
      const heldIdle = await bench.usage(true);
      const youngGrowth = heldIdle.youngGeneration - heldBefore.youngGeneration;
      const cpuIdle = await cpuPercent(bench, cpuWindowMs);
      const echoCrowded = await typing(bench, typingMs);
      const rssAfter = (await bench.usage()).rss;
      ctx.log(`scale: ${idle} idle sessions opened in ${openSeconds.toFixed(1)} s`);
      const kib = (bytes: number) => bytes / 1024;
      return {
        id: this.id,
        title: this.title,
        series: [
          { subject: 'octant-exec', metric: `server RSS per idle session (${idle})`, unit: 'KiB', better: 'lower', samples: [kib(rssIdle - rssBefore) / idle] },
          { subject: 'octant-exec', metric: `server RSS per idle session (${idle}), after a full GC`, unit: 'KiB', better: 'lower', samples: [kib(heldIdle.rss - heldBefore.rss) / idle] },
          { subject: 'octant-exec', metric: `server RSS per idle session (${idle}), after a full GC, less the young generation's growth`, unit: 'KiB', better: 'lower', samples: [kib(heldIdle.rss - heldBefore.rss - youngGrowth) / idle] },
          { subject: 'octant-exec', metric: 'server CPU, no sessions', unit: '% of a core', better: 'lower', samples: [cpuEmpty] },
          { subject: 'octant-exec', metric: `server CPU, ${idle} idle sessions`, unit: '% of a core', better: 'lower', samples: [cpuIdle] },
          { subject: `${ACTIVE} typing, no idle`, metric: 'p50 echo', unit: 'ms', better: 'lower', samples: [quantile(echoAlone, 0.5)] },
          { subject: `${ACTIVE} typing, ${idle} idle`, metric: 'p50 echo', unit: 'ms', better: 'lower', samples: [quantile(echoCrowded, 0.5)] },
          { subject: `${ACTIVE} typing, no idle`, metric: 'p99 echo', unit: 'ms', better: 'lower', samples: [quantile(echoAlone, 0.99)] },
          { subject: `${ACTIVE} typing, ${idle} idle`, metric: 'p99 echo', unit: 'ms', better: 'lower', samples: [quantile(echoCrowded, 0.99)] },
        ],
        ratios: [
          [`${ACTIVE} typing, ${idle} idle`, `${ACTIVE} typing, no idle`, 'p50 echo'],
          [`${ACTIVE} typing, ${idle} idle`, `${ACTIVE} typing, no idle`, 'p99 echo'],
        ],
        notes: [
          `one run (opening ${idle} shells is the expensive part: ${openSeconds.toFixed(1)} s, 8 at a time, each attached by a page socket of ${PER_SOCKET} sessions)`,
          `server RSS: ${(rssBefore / 2 ** 20).toFixed(0)} MiB before, ${(rssIdle / 2 ** 20).toFixed(0)} MiB with ${idle} idle sessions, ${(rssAfter / 2 ** 20).toFixed(0)} MiB after the second typing phase; after a full GC ${(heldBefore.rss / 2 ** 20).toFixed(0)} MiB before and ${(heldIdle.rss / 2 ** 20).toFixed(0)} MiB with the idle sessions, the young generation ${(heldBefore.youngGeneration / 2 ** 20).toFixed(1)} → ${(heldIdle.youngGeneration / 2 ** 20).toFixed(1)} MiB of it (a full GC keeps it as grown); the server process alone (the sandbox and its shells are other processes)`,
          `CPU measured over ${cpuWindowMs / 1000} s of the server process (user + system); echo: ${ACTIVE} sessions × 10 keys/s for ${typingMs / 1000} s, ${echoAlone.length} and ${echoCrowded.length} keystrokes`,
          'the server bundled as the installed program is (bench/built-server.ts, run by Node), not through tsx',
          `the default --max-sessions is 64: this figure raises it to ${idle + ACTIVE + 10}, and the pod's process limit (podPidsLimit, default 1024) to ${fixtureFor(idle + ACTIVE).podPidsLimit}`,
        ],
      };
    } finally {
      for (const page of pages) page.close();
      await bench.close();
      built.remove();
    }
  },
};
