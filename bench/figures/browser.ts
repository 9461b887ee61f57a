// Figure 8: the browser. Debian's Chromium (headless, via playwright-core) on the built page:
// time from clicking "Shell" to the prompt on screen; a stream of N MB of text lines with flow
// control on (the page acknowledges what xterm has written): how fast it goes by to its last line,
// and how fast xterm.js draws (the bytes it was given: a page that lags is caught up with the
// screen, so it is not given every byte of a flood); the time from Ctrl-C under
// `yes` to the prompt back; and the bundle's size gzipped. Each is taken twice in the same run:
// with the default (DOM) renderer, in a Chromium without WebGL (the page's fallback), and with the
// WebGL renderer on Chromium's software WebGL (ui/terminal/renderer.ts). Times are taken in this
// process around playwright calls, so each includes a few ms of driving the browser; the screen
// (the rows of the terminal's buffer in its viewport, the same for both renderers) is polled each
// animation frame, as the user would see it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildUi } from '../../scripts/build-ui.ts';
import type { OctantExecOptions } from '../../src/server/app.ts';
import type { BenchContext, Figure } from '../harness.ts';
import { startBenchApp, TARGET } from '../terminals.ts';
import { webglName } from '../webgl-name.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const LINE = 'the quick brown fox jumps over the lazy dog 0123456789 ABCDEFGHIJ';

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

interface Viewport {
  buffer: { active: { viewportY: number; getLine(i: number): { translateToString(trim: boolean): string } | undefined } };
  rows: number;
}

/** Until a row of the shown terminal's viewport matches (polled every animation frame); WebGL draws no DOM rows to read. */
async function row(page: Page, pattern: RegExp, timeout = 120_000): Promise<void> {
  await page.waitForFunction(
    ([source, flags]) => {
      const re = new RegExp(source, flags);
      const term = (document.querySelector('[role=tabpanel] .xterm-host') as unknown as { terminal?: Viewport } | null)?.terminal;
      if (!term) return false;
      const top = term.buffer.active.viewportY;
      for (let i = top; i < top + term.rows; i++) if (re.test((term.buffer.active.getLine(i)?.translateToString(true) ?? '').trimEnd())) return true;
      return false;
    },
    [pattern.source, pattern.flags] as const,
    { timeout, polling: 'raf' },
  );
}

export const browserFigure: Figure = {
  id: '8',
  title: 'Browser (Chromium): Shell to prompt, rendering a stream, Ctrl-C under `yes`, bundle size',
  // every round twice (two renderers), and software WebGL on a busy machine may draw at well under 1 MB/s
  stuckMinutes: (quick) => (quick ? 15 : 30),
  async run(ctx) {
    const bytes = ctx.quick ? 2_000_000 : 20_000_000;
    const hub = process.env.BENCH_HUB ? (JSON.parse(process.env.BENCH_HUB) as OctantExecOptions['hub']) : undefined;
    const uiDir = mkdtempSync(join(tmpdir(), 'octant-exec-bench-ui-'));
    const build = await buildUi(uiDir, { minify: true });
    const bench = await startBenchApp({ uiDir, hub });
    // the fallback: a Chromium without WebGL draws with the DOM renderer, as every page did before
    const browsers: Browser[] = [];
    const launch = async (args: string[]) => browsers[browsers.push(await chromium.launch({ executablePath: CHROMIUM, args })) - 1];
    let runs: { dom: Rounds; webgl: Rounds; gpu: string };
    try {
      const url = `${bench.app.url}#token=${bench.app.token}`;
      const d = await rounds(await launch([...FLAGS, '--disable-webgl']), url, 'dom', bytes, ctx);
      const w = await rounds(await launch(FLAGS), url, 'webgl', bytes, ctx); // Chromium's software WebGL (SwiftShader) even with --disable-gpu
      runs = { dom: d.rounds, webgl: w.rounds, gpu: w.gpu };
    } finally {
      for (const browser of browsers) await browser.close();
      await bench.close();
      rmSync(uiDir, { recursive: true, force: true });
    }
    const series = (renderer: string, r: Rounds) => [
      { subject: `octant-exec page, ${renderer}`, metric: 'click Shell → prompt on screen', unit: 'ms', better: 'lower' as const, samples: r.shellToPrompt },
      { subject: `octant-exec page, ${renderer}`, metric: `a stream of ${bytes / 1e6} MB of lines → its last line on screen (flow control on)`, unit: 'MB/s', better: 'higher' as const, samples: r.stream },
      { subject: `octant-exec page, ${renderer}`, metric: 'xterm.js drawing meanwhile (the bytes it was given)', unit: 'MB/s', better: 'higher' as const, samples: r.render },
      { subject: `octant-exec page, ${renderer}`, metric: 'Ctrl-C under `yes` → prompt on screen', unit: 'ms', better: 'lower' as const, samples: r.ctrlC },
    ];
    return {
      id: this.id,
      title: this.title,
      series: [
        ...series('DOM renderer (no WebGL)', runs.dom),
        ...series('WebGL renderer', runs.webgl),
        { subject: 'octant-exec page', metric: 'bundle (app.js + app.css), gzip', unit: 'KiB', better: 'lower', samples: [build.gzipBytes / 1024] },
        { subject: 'octant-exec page', metric: 'bundle (app.js + app.css), raw', unit: 'KiB', better: 'lower', samples: [build.bytes / 1024] },
      ],
      notes: [
        ...(hub ? [`server hub options from BENCH_HUB: ${JSON.stringify(hub)}`] : []),
        `headless Chromium (${CHROMIUM}), 1280×860, software rendering; both stream rates count from Enter to the line after the stream on screen; the drawing rate counts the bytes the page gave xterm.js (a page that lags is caught up with the screen instead of every byte)`,
        `WebGL (forced in the page's settings: Automatic keeps the DOM renderer on a software rasterizer): ${runs.gpu}; DOM renderer: the same Chromium with --disable-webgl`,
      ],
    };
  },
};

interface Rounds {
  shellToPrompt: number[];
  /** the stream's MB a second, from Enter to its last line on screen */
  stream: number[];
  /** MB a second given to xterm.js meanwhile (drawn) */
  render: number[];
  ctrlC: number[];
}

/** From now on, `window.drawnBytes` counts the bytes the page gives the shown terminal to draw. */
function countDrawn(page: Page): Promise<void> {
  return page.evaluate(() => {
    const term = (document.querySelector('[role=tabpanel] .xterm-host') as unknown as { terminal: { write(data: string | Uint8Array, done?: () => void): void } }).terminal;
    const counter = window as unknown as { drawnBytes: number };
    counter.drawnBytes = 0;
    const write = term.write.bind(term);
    term.write = (data, done) => {
      counter.drawnBytes += data.length;
      write(data, done);
    };
  });
}

/** ctx.rounds of Shell → prompt, the stream and Ctrl-C in one browser, checking the page drew with `renderer`. */
async function rounds(browser: Browser, url: string, renderer: 'dom' | 'webgl', bytes: number, ctx: BenchContext): Promise<{ rounds: Rounds; gpu: string }> {
  const r: Rounds = { shellToPrompt: [], stream: [], render: [], ctrlC: [] };
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  page.setDefaultTimeout(60_000);
  // WebGL forced: the page's Automatic setting keeps the DOM renderer on a software WebGL like this one
  if (renderer === 'webgl') await page.addInitScript(`localStorage.setItem('octant-exec.preferences', '{"renderer":"webgl"}')`);
  const gpu = await webglName(page);
  for (let round = 0; round < ctx.rounds; round++) {
    await page.goto(url);
    await page.getByRole('link', { name: TARGET.pod, exact: true }).click();
    const shell = page.getByRole('button', { name: 'Shell', exact: true });
    await shell.waitFor();
    let started = performance.now();
    await shell.click();
    await row(page, /[$#]$/); // rows are compared with trailing blanks trimmed
    r.shellToPrompt.push(performance.now() - started);
    // a figure for the wrong renderer would be worse than none
    const drawnWith = await page.locator('[role=tabpanel] .xterm-host').getAttribute('data-renderer');
    if (drawnWith !== renderer) throw new Error(`figure 8: the page drew with ${drawnWith}, not ${renderer} (WebGL here: ${gpu})`);

    await page.keyboard.type("PS1='P> '\r");
    await row(page, /^P>$/);
    await page.keyboard.type(`yes '${LINE}' | head -c ${bytes}; echo; echo END-OF-$((1+1))`);
    await countDrawn(page);
    started = performance.now();
    await page.keyboard.press('Enter');
    await row(page, /^END-OF-2$/, 600_000); // a slow renderer is a result, not a failure
    const seconds = (performance.now() - started) / 1000;
    r.stream.push(bytes / 1e6 / seconds);
    r.render.push((await page.evaluate(() => (window as unknown as { drawnBytes: number }).drawnBytes)) / 1e6 / seconds);

    await page.keyboard.type('yes\r');
    await row(page, /^y$/);
    await page.waitForTimeout(500); // let `yes` fill the pipe, the server's buffers and the screen
    started = performance.now();
    await page.keyboard.press('Control+C');
    await row(page, /P>$/);
    r.ctrlC.push(performance.now() - started);
    ctx.log(`browser (${renderer}) round ${round + 1}: prompt ${r.shellToPrompt.at(-1)!.toFixed(0)} ms, stream ${r.stream.at(-1)!.toFixed(1)} MB/s, drawn ${r.render.at(-1)!.toFixed(1)} MB/s, Ctrl-C ${r.ctrlC.at(-1)!.toFixed(0)} ms`);
  }
  await page.close();
  return { rounds: r, gpu };
}
