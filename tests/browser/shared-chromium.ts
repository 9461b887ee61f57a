// One Chromium per test process, for every browser file it runs: each file's page (and each other
// person's in it) is a browser context of its own, whose cookies, storage and downloads are kept
// apart as a fresh profile's would be. A launch costs about a second of wall time and of CPU, and
// the browser tests made one per file and one more per file with other people in it. Flags differ
// (WebGL on or off), so does the browser. Under the runner it is closed once the process has run
// its files; a file run alone closes it with its last context (its pipes would keep the process
// from ending). A context a file leaves open is named and closed after it (left-running.ts).
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions } from 'playwright-core';
import { checkSharedAfterEachFile, sharedProcess } from '../support/left-running.ts';
import { childrenOf } from '../support/process-tree.ts';
import { shareUntilFilesEnd, sharedUntilRunnerEnds } from '../support/run-end.ts';

const launched = new Map<string, Promise<Browser>>();

checkSharedAfterEachFile(async () => {
  const left: string[] = [];
  for (const browser of await Promise.all([...launched.values()].map((launch) => launch.catch(() => undefined)))) {
    for (const context of browser?.contexts() ?? []) {
      left.push(`a browser context on ${context.pages().map((page) => page.url()).join(', ') || 'no page'}`);
      await context.close().catch(() => {});
    }
  }
  return left;
});

/** A new context in the process's Chromium with `args` (launched at its first use, and again should it have crashed). */
export async function sharedContext(executablePath: string, args: string[], options: BrowserContextOptions): Promise<BrowserContext> {
  const key = args.join(' ');
  let launch = launched.get(key);
  if (!launch) {
    launch = launchShared(executablePath, args, () => launched.get(key) === launch && launched.delete(key));
    launched.set(key, launch);
    launch.catch(() => launched.delete(key));
  }
  const browser = await launch;
  const context = await browser.newContext(options);
  if (!sharedUntilRunnerEnds()) {
    context.on('close', () => {
      if (browser.contexts().length > 0 || launched.get(key) !== launch) return;
      launched.delete(key);
      void browser.close();
    });
  }
  return context;
}

async function launchShared(executablePath: string, args: string[], gone: () => void): Promise<Browser> {
  const before = new Set(childrenOf(process.pid));
  const browser = await chromium.launch({ executablePath, headless: true, args });
  const pid = browserPid(before);
  const unmark = pid === undefined ? () => {} : sharedProcess(pid);
  const forget = shareUntilFilesEnd(
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
  browser.on('disconnected', () => {
    gone();
    unmark();
    forget();
  });
  return browser;
}

/**
 * The browser Playwright just launched: the one new child of this process that Playwright drives
 * over a pipe with a profile of its own (it does not say which process is the browser). None
 * when that is not one process: the browser then shows as a file's leftover, a lesser harm than
 * hiding another process.
 */
function browserPid(before: Set<number>): number | undefined {
  const profile = `--user-data-dir=${join(tmpdir(), 'playwright_chromiumdev_profile-')}`;
  const launched = childrenOf(process.pid).filter((pid) => {
    if (before.has(pid)) return false;
    const argv = commandLine(pid);
    return argv.includes('--remote-debugging-pipe') && argv.some((arg) => arg.startsWith(profile));
  });
  return launched.length === 1 ? launched[0] : undefined;
}

function commandLine(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return [];
  }
}
