// The renderers alone (issue #20, goal 4):
//   npx tsx bench/renderer-alone.ts [MB=20] [rounds=3] [--trace]
// Figure 8 streams through the server, which catches a lagging page up with screens, so its
// drawing rate no longer says how fast a renderer draws. This takes the server away: a page with
// one terminal (bench/renderer-page.ts: the page's own renderer choice, ui/terminal/renderer.ts)
// is fed MB of lines under the hub's flow control, in headless Chromium, the DOM renderer and
// WebGL interleaved, each in a fresh browser. For each it reports the rate, the animation frames a
// second, and where the page's main thread spent the time (a CPU profile: JavaScript, the
// browser's own native work such as handing a WebGL frame to the compositor, idle). Not a figure:
// it is what goal 4 is judged by on a machine with a GPU. CHROMIUM_PATH picks the browser and
// BENCH_CHROMIUM_FLAGS adds flags (space-separated), e.g. to let a headless Chromium use the GPU.
// --trace records Chromium's own trace of the first WebGL round and prints where the page's main
// thread and the GPU process spent it (the rates of that round are then not comparable).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { build } from 'esbuild';
import { chromium, type Page } from 'playwright-core';
import type { RendererRun } from './renderer-page.ts';
import { webglName } from './webgl-name.ts';

const trace = process.argv.includes('--trace');
const [megabytes = 20, rounds = 3] = process.argv.slice(2).filter((arg) => arg !== '--trace').map(Number);
if (!(megabytes > 0) || !(rounds > 0)) throw new Error('usage: npx tsx bench/renderer-alone.ts [MB] [rounds]');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const extraFlags = (process.env.BENCH_CHROMIUM_FLAGS ?? '').split(' ').filter(Boolean);

const outdir = mkdtempSync(join(tmpdir(), 'octant-exec-renderer-'));
try {
  await build({ entryPoints: ['bench/renderer-page.ts'], outdir, bundle: true, format: 'esm', platform: 'browser', target: 'es2022', minify: true, loader: { '.css': 'css' }, logLevel: 'warning' });
  const script = readFileSync(join(outdir, 'renderer-page.js'), 'utf8');
  const style = readFileSync(join(outdir, 'renderer-page.css'), 'utf8');
  const runs: Record<'dom' | 'webgl', (RendererRun & Time)[]> = { dom: [], webgl: [] };
  let gpu = '';
  for (let round = 0; round < rounds; round++) {
    for (const renderer of ['dom', 'webgl'] as const) {
      // the DOM renderer in a Chromium without WebGL, as the page falls back to it
      const flags = ['--headless', '--no-sandbox', ...(renderer === 'dom' ? ['--disable-webgl'] : []), ...extraFlags];
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: flags });
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
        await page.setContent(`<!doctype html><style>${style}</style><script type="module">${script}</script>`);
        if (renderer === 'webgl') gpu = await webglName(page);
        const draw = () => page.evaluate(([r, bytes]) => (window as unknown as { draw(r: string, b: number): Promise<RendererRun> }).draw(r, bytes), [renderer, megabytes * 1e6] as const);
        const traced = trace && renderer === 'webgl' && round === 0;
        if (traced) await browser.startTracing(page, { categories: ['toplevel', 'blink', 'cc', 'gpu', 'viz'] });
        const run = await profiled(page, draw);
        if (traced) printBusiest(JSON.parse((await browser.stopTracing()).toString('utf8')));
        runs[renderer].push(run);
        console.log(`round ${round + 1}, ${renderer}: ${run.mbPerSecond.toFixed(2)} MB/s, ${run.framesPerSecond.toFixed(0)} frames/s; main thread ${share(run)}`);
      } finally {
        await browser.close();
      }
    }
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const rate = (r: 'dom' | 'webgl') => median(runs[r].map((run) => run.mbPerSecond));
  console.log(`\nWebGL: ${gpu}`);
  console.log(`median over ${rounds} rounds of ${megabytes} MB: DOM ${rate('dom').toFixed(2)} MB/s, WebGL ${rate('webgl').toFixed(2)} MB/s, WebGL / DOM ${(rate('webgl') / rate('dom')).toFixed(2)}×`);
} finally {
  rmSync(outdir, { recursive: true, force: true });
}

interface Time {
  /** ms of the page's main thread in JavaScript, in the browser's native work, and idle, while it drew */
  js: number;
  native: number;
  idle: number;
}

function share({ js, native, idle }: Time): string {
  const all = js + native + idle;
  const percent = (part: number) => `${Math.round((100 * part) / all)} %`;
  return `JavaScript ${percent(js)}, native ${percent(native)}, idle ${percent(idle)}`;
}

/** What `draw` returns, with the page's main thread's time split from a CPU profile taken meanwhile. */
async function profiled(page: Page, draw: () => Promise<RendererRun>): Promise<RendererRun & Time> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.start');
  const run = await draw();
  const { profile } = await cdp.send('Profiler.stop');
  const names = new Map(profile.nodes.map((node) => [node.id, node.callFrame.functionName]));
  const time = { js: 0, native: 0, idle: 0 };
  // V8 names the samples outside JavaScript "(program)" (the browser's own work on this thread) and "(idle)"
  profile.samples?.forEach((id, i) => {
    const name = names.get(id);
    const part = name === '(idle)' ? 'idle' : name === '(program)' ? 'native' : 'js';
    time[part] += (profile.timeDeltas?.[i] ?? 0) / 1000;
  });
  return { ...run, ...time };
}

interface TraceEvent {
  ph: string;
  name: string;
  pid: number;
  tid: number;
  dur?: number;
  args?: { name?: string };
}

/** The trace's slices with the most time on the page's main thread and the GPU process's, nested ones counted in their parents too. */
function printBusiest({ traceEvents }: { traceEvents: TraceEvent[] }): void {
  const threads = new Map(traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => [`${e.pid}:${e.tid}`, e.args?.name ?? '']));
  const busy = new Map<string, number>();
  for (const e of traceEvents) {
    const thread = threads.get(`${e.pid}:${e.tid}`);
    if (e.ph !== 'X' || !e.dur || (thread !== 'CrRendererMain' && thread !== 'CrGpuMain')) continue;
    const key = `${thread}: ${e.name}`;
    busy.set(key, (busy.get(key) ?? 0) + e.dur / 1000);
  }
  console.log('  traced, ms on the thread (nested slices counted in their parents too):');
  for (const [key, ms] of [...busy].sort((a, b) => b[1] - a[1]).slice(0, 16)) console.log(`  ${ms.toFixed(0).padStart(7)}  ${key}`);
}
