// Figure 12: what screen-exact reattach costs the server, three ways (docs/api.md "Screen on
// attach"): (a) a live headless terminal per session, fed every byte; (b) a headless terminal
// built on demand from the byte scrollback when a viewer asks for the screen, then dropped; (c)
// the byte scrollback alone (what a raw replay needs; (b) holds nothing more while idle). Memory
// per idle terminal after a short shell session's worth of output (heap after a full GC, many
// terminals at once), the output rate each can take on one core, and (b)'s price per attach.
// In-process (no cluster): the subjects are the server's own Scrollback and rebuildScreen.
import headless from '@xterm/headless';
import type { Figure, Series } from '../harness.ts';
import { collectGarbage } from '../gc.ts';
import { Scrollback } from '../../src/server/scrollback.ts';
import { rebuildScreen, SCREEN_HISTORY_ROWS } from '../../src/server/screen.ts';

const SIZE = { cols: 80, rows: 24 };
const SCROLLBACK_BYTES = 1024 * 1024; // the server's default scrollbackBytes
const CHUNK = 4096;

/** Coloured `ls -l`-like lines, as a shell session prints them; deterministic. */
function shellOutput(bytes: number): Uint8Array {
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const line = `\x1b[1;32muser@pod\x1b[0m:\x1b[34m~/src\x1b[0m$ -rw-r--r-- 1 user user ${(i * 7919) % 100000} Dec  1 12:${String(i % 60).padStart(2, '0')} \x1b[01;34mfile-${i}.txt\x1b[0m\r\n`;
    lines.push(line);
    size += line.length;
  }
  return new TextEncoder().encode(lines.join('')).subarray(0, bytes);
}

/** the JS heap and the byte arrays outside it (where a scrollback's bytes live) */
const heapAfterGc = () => {
  collectGarbage();
  collectGarbage();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
};

/** feed `output` to `count` fresh terminals of the subject (`history`: rows of a live headless terminal's own history; none: no headless terminal); KiB each */
async function memoryPerTerminal(count: number, output: Uint8Array, history?: number): Promise<number> {
  const before = heapAfterGc();
  const held: unknown[] = [];
  for (let i = 0; i < count; i++) {
    const scrollback = new Scrollback(SCROLLBACK_BYTES);
    for (let at = 0; at < output.length; at += CHUNK) scrollback.append(output.subarray(at, at + CHUNK));
    if (history !== undefined) {
      const term = new headless.Terminal({ ...SIZE, scrollback: history, allowProposedApi: true });
      await new Promise<void>((resolve) => term.write(output, resolve));
      held.push(term);
    }
    held.push(scrollback);
  }
  const after = heapAfterGc();
  for (const h of held) (h as { dispose?: () => void }).dispose?.();
  return (after - before) / count / 1024;
}

/** MB/s of output taken in CHUNK writes, first to last byte (CPU-bound: nothing else runs) */
async function outputRate(output: Uint8Array, live: boolean): Promise<number> {
  const scrollback = new Scrollback(SCROLLBACK_BYTES);
  const term = live ? new headless.Terminal({ ...SIZE, scrollback: SCREEN_HISTORY_ROWS, allowProposedApi: true }) : undefined;
  const began = performance.now();
  for (let at = 0; at < output.length; at += CHUNK) {
    const chunk = output.subarray(at, at + CHUNK);
    scrollback.append(chunk);
    term?.write(chunk);
  }
  if (term) await new Promise<void>((resolve) => term.write('', resolve));
  const seconds = (performance.now() - began) / 1000;
  term?.dispose();
  return output.length / 1e6 / seconds;
}

export const screenFigure: Figure = {
  id: '12',
  title: 'Screen-exact reattach: a live headless terminal per session, one built on demand, the byte scrollback alone',
  async run(ctx) {
    const terminals = ctx.quick ? 20 : 200;
    const idleOutput = shellOutput(16 * 1024);
    const flood = shellOutput(ctx.quick ? 4 * 2 ** 20 : 32 * 2 ** 20);
    const full = shellOutput(SCROLLBACK_BYTES);
    const samples: Record<string, number[]> = {};
    const add = (key: string, value: number) => (samples[key] ??= []).push(value);
    await rebuildScreen(idleOutput, SIZE); // warm: the first parse compiles the parser
    for (let round = 0; round < ctx.rounds; round++) {
      add('live|memory', await memoryPerTerminal(terminals, idleOutput, SCREEN_HISTORY_ROWS));
      add('screen-only|memory', await memoryPerTerminal(terminals, idleOutput, 0));
      add('bytes|memory', await memoryPerTerminal(terminals, idleOutput));
      add('live|rate', await outputRate(flood, true));
      add('bytes|rate', await outputRate(flood, false));
      // several attaches a round: one alone is at the mercy of a collection left by the steps above
      for (const [label, bytes] of [['small', idleOutput], ['full', full]] as const) {
        for (let i = 0; i < 5; i++) {
          const began = performance.now();
          const screen = await rebuildScreen(bytes, SIZE); // always wanted: never undefined
          add(`demand|${label}`, performance.now() - began);
          if (i === 0) add(`demand|${label}-size`, screen!.length / 1024);
        }
      }
      ctx.log(`round ${round + 1}: live ${samples['live|memory'].at(-1)!.toFixed(0)} KiB, bytes ${samples['bytes|memory'].at(-1)!.toFixed(0)} KiB per terminal`);
    }
    const series: Series[] = [
      { subject: '(a) live headless terminal + scrollback', metric: `memory per idle terminal after 16 KiB of output (${terminals} terminals)`, unit: 'KiB', better: 'lower', samples: samples['live|memory'] },
      { subject: "(a') live headless terminal without history + scrollback", metric: `memory per idle terminal after 16 KiB of output (${terminals} terminals)`, unit: 'KiB', better: 'lower', samples: samples['screen-only|memory'] },
      { subject: '(b)/(c) byte scrollback alone', metric: `memory per idle terminal after 16 KiB of output (${terminals} terminals)`, unit: 'KiB', better: 'lower', samples: samples['bytes|memory'] },
      { subject: '(a) live headless terminal + scrollback', metric: `output taken on one core (${flood.length / 2 ** 20} MiB in 4 KiB writes)`, unit: 'MB/s', better: 'higher', samples: samples['live|rate'] },
      { subject: '(b)/(c) byte scrollback alone', metric: `output taken on one core (${flood.length / 2 ** 20} MiB in 4 KiB writes)`, unit: 'MB/s', better: 'higher', samples: samples['bytes|rate'] },
      { subject: '(b) screen built on demand', metric: 'per attach, from 16 KiB of scrollback', unit: 'ms', better: 'lower', samples: samples['demand|small'] },
      { subject: '(b) screen built on demand', metric: 'per attach, from a full 1 MiB scrollback', unit: 'ms', better: 'lower', samples: samples['demand|full'] },
      { subject: '(b) screen built on demand', metric: `screen sent, from a full 1 MiB scrollback (${SIZE.cols}×${SIZE.rows}, ${SCREEN_HISTORY_ROWS} rows of history)`, unit: 'KiB', better: 'lower', samples: samples['demand|full-size'] },
    ];
    return {
      id: this.id,
      title: this.title,
      series,
      notes: [
        `${SIZE.cols}×${SIZE.rows} terminals, ${SCREEN_HISTORY_ROWS} rows of history, the server's 1 MiB scrollback; heap plus array buffers measured after a full GC, in the bench process`,
        'the goal (issue #20): at most 100 KiB of server memory per idle terminal, all of it (figure 5 measures the whole server)',
      ],
    };
  },
};
