// Figure 8: the browser. Debian's Chromium (headless, via playwright-core) on the built page:
// time from clicking "Shell" to the prompt on screen; xterm.js rendering N MB of text lines with
// flow control on (the page acknowledges what xterm has written); the time from Ctrl-C under
// `yes` to the prompt back; and the bundle's size gzipped. Times are taken in this process around
// playwright calls, so each includes a few ms of driving the browser; the screen is polled each
// animation frame, as the user would see it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { buildUi } from '../../scripts/build-ui.ts';
import type { OctantExecOptions } from '../../src/server/app.ts';
import type { Figure } from '../harness.ts';
import { startBenchApp, TARGET } from '../terminals.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const LINE = 'the quick brown fox jumps over the lazy dog 0123456789 ABCDEFGHIJ';

/** Until a row of the shown terminal matches (polled every animation frame). */
async function row(page: Page, pattern: RegExp, timeout = 120_000): Promise<void> {
  await page.waitForFunction(
    ([source, flags]) => {
      const re = new RegExp(source, flags);
      return [...document.querySelectorAll('[role=tabpanel] .xterm-rows > div')].some((r) => re.test((r.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd()));
    },
    [pattern.source, pattern.flags] as const,
    { timeout, polling: 'raf' },
  );
}

export const browserFigure: Figure = {
  id: '8',
  title: 'Browser (Chromium): Shell to prompt, rendering a stream, Ctrl-C under `yes`, bundle size',
  async run(ctx) {
    const bytes = ctx.quick ? 2_000_000 : 20_000_000;
    const hub = process.env.BENCH_HUB ? (JSON.parse(process.env.BENCH_HUB) as OctantExecOptions['hub']) : undefined;
    const uiDir = mkdtempSync(join(tmpdir(), 'octant-exec-bench-ui-'));
    const build = await buildUi(uiDir, { minify: true });
    const bench = await startBenchApp({ uiDir, hub });
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    const shellToPrompt: number[] = [];
    const render: number[] = [];
    const ctrlC: number[] = [];
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
      page.setDefaultTimeout(60_000);
      for (let round = 0; round < ctx.rounds; round++) {
        await page.goto(`${bench.app.url}#token=${bench.app.token}`);
        await page.getByRole('link', { name: TARGET.pod, exact: true }).click();
        const shell = page.getByRole('button', { name: 'Shell', exact: true });
        await shell.waitFor();
        let started = performance.now();
        await shell.click();
        await row(page, /[$#]$/); // rows are compared with trailing blanks trimmed
        shellToPrompt.push(performance.now() - started);

        await page.keyboard.type("PS1='P> '\r");
        await row(page, /^P>$/);
        await page.keyboard.type(`yes '${LINE}' | head -c ${bytes}; echo; echo END-OF-$((1+1))`);
        started = performance.now();
        await page.keyboard.press('Enter');
        await row(page, /^END-OF-2$/);
        render.push(bytes / 1e6 / ((performance.now() - started) / 1000));

        await page.keyboard.type('yes\r');
        await row(page, /^y$/);
        await page.waitForTimeout(500); // let `yes` fill the pipe, the server's buffers and the screen
        started = performance.now();
        await page.keyboard.press('Control+C');
        await row(page, /P>$/);
        ctrlC.push(performance.now() - started);
        ctx.log(`browser round ${round + 1}: prompt ${shellToPrompt.at(-1)!.toFixed(0)} ms, ${render.at(-1)!.toFixed(1)} MB/s, Ctrl-C ${ctrlC.at(-1)!.toFixed(0)} ms`);
      }
    } finally {
      await browser.close();
      await bench.close();
      rmSync(uiDir, { recursive: true, force: true });
    }
    return {
      id: this.id,
      title: this.title,
      series: [
        { subject: 'octant-exec page', metric: 'click Shell → prompt on screen', unit: 'ms', better: 'lower', samples: shellToPrompt },
        { subject: 'octant-exec page', metric: `render ${bytes / 1e6} MB of lines (xterm.js, flow control on)`, unit: 'MB/s', better: 'higher', samples: render },
        { subject: 'octant-exec page', metric: 'Ctrl-C under `yes` → prompt on screen', unit: 'ms', better: 'lower', samples: ctrlC },
        { subject: 'octant-exec page', metric: 'bundle (app.js + app.css), gzip', unit: 'KiB', better: 'lower', samples: [build.gzipBytes / 1024] },
        { subject: 'octant-exec page', metric: 'bundle (app.js + app.css), raw', unit: 'KiB', better: 'lower', samples: [build.bytes / 1024] },
      ],
      notes: [
        ...(hub ? [`server hub options from BENCH_HUB: ${JSON.stringify(hub)}`] : []),
        `headless Chromium (${CHROMIUM}), 1280×860, software rendering; the render rate counts from Enter to the line after the stream on screen`,
      ],
    };
  },
};
