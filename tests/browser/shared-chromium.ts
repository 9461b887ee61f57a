// One Chromium per test process, for every browser file it runs: each file's page (and each other
// person's in it) is a browser context of its own, whose cookies, storage and downloads are kept
// apart as a fresh profile's would be. A launch costs about a second of wall time and of CPU, and
// the browser tests made one per file and one more per file with other people in it. Flags differ
// (WebGL on or off), so does the browser. It is closed once the process has run its files.
import process from 'node:process';
import { chromium, type Browser } from 'playwright-core';
import { sharedProcess, commandOf } from '../support/left-running.ts';
import { childrenOf } from '../support/process-tree.ts';
import { shareUntilFilesEnd } from '../support/run-end.ts';

const launched = new Map<string, Promise<Browser>>();

/** The process's Chromium with `args`, launched at its first use (again, should it have crashed). */
export function sharedChromium(executablePath: string, args: string[]): Promise<Browser> {
  const key = args.join(' ');
  let browser = launched.get(key);
  if (!browser) {
    browser = launch(executablePath, args);
    launched.set(key, browser);
    browser.then(
      (running) => running.on('disconnected', () => launched.delete(key)),
      () => launched.delete(key),
    );
  }
  return browser;
}

async function launch(executablePath: string, args: string[]): Promise<Browser> {
  const before = new Set(childrenOf(process.pid));
  const browser = await chromium.launch({ executablePath, headless: true, args });
  // Playwright does not say which process is the browser: the child that came with the launch
  const pid = childrenOf(process.pid).find((child) => !before.has(child) && /chrom/i.test(commandOf(child)));
  if (pid !== undefined) sharedProcess(pid);
  shareUntilFilesEnd(
    () => browser.close(),
    () => {
      // the process ends before its files did (a watchdog, a signal): the browser's group goes with it
      for (const target of pid === undefined ? [] : [-pid, pid]) {
        try {
          process.kill(target, 'SIGKILL');
        } catch {
          // not a group leader, or gone
        }
      }
    },
  );
  return browser;
}
