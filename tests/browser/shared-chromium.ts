// One Chromium per test process, for every browser file it runs: each file's page (and each other
// person's in it) is a browser context of its own, whose cookies, storage and downloads are kept
// apart as a fresh profile's would be. A launch costs about a second of wall time and of CPU, and
// the browser tests made one per file and one more per file with other people in it. Flags differ
// (WebGL on or off), so does the browser. Under the runner it is closed once the process has run
// its files; a file run alone closes it with its last context (its pipes would keep the process
// from ending). A context a file leaves open is named and closed after it (left-running.ts). A
// browser that hangs is replaced, so that it fails one file rather than every later one.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions } from 'playwright-core';
import { checkSharedAfterEachFile, sharedProcess } from '../support/left-running.ts';
import { childrenOf } from '../support/process-tree.ts';
import { shareUntilFilesEnd, sharedUntilRunnerEnds } from '../support/run-end.ts';
import { scaled } from '../support/test.ts';

/** A launched browser and its process (undefined when it could not be told apart from others). */
interface Shared {
  browser: Browser;
  pid: number | undefined;
}

const launched = new Map<string, Promise<Shared>>();

/** How long a browser may take to give or close a context: one that answers nothing (hung, not gone) is killed, and the next context comes from another. */
let answerWithinMs = scaled(20_000);

/** Another bound for the tests of this file, whose hung browsers need not cost 20 s each; returns what puts it back. */
export function answerWithin(ms: number): () => void {
  const before = answerWithinMs;
  answerWithinMs = ms;
  return () => (answerWithinMs = before);
}

checkSharedAfterEachFile(async () => {
  const left: string[] = [];
  for (const [key, launch] of launched) {
    const shared = await launch.catch(() => undefined);
    for (const context of shared?.browser.contexts() ?? []) {
      left.push(`a browser context on ${context.pages().map((page) => page.url()).join(', ') || 'no page'}`);
      const closed = await answeredWithin(context.close().then(() => true, () => true), answerWithinMs); // failing as its browser is gone: closed enough
      if (!closed) {
        left.push(killHung(key, launch, shared!) ? 'its browser, which did not answer, killed' : 'its browser, which did not answer, and whose process is unknown');
        break;
      }
    }
  }
  return left;
});

/**
 * A new context in the process's Chromium with `args` (launched at its first use, and again should
 * it have crashed). A browser that gives no context within the bound is killed and replaced, so a
 * hung one fails no file but the one it hung in.
 */
export async function sharedContext(executablePath: string, args: string[], options: BrowserContextOptions): Promise<BrowserContext> {
  const key = args.join(' ');
  const launch = launchedFor(key, executablePath, args);
  const shared = await launch;
  const context = await answeredWithin(shared.browser.newContext(options), answerWithinMs);
  if (context) return closingWithLast(key, launch, context);
  if (!killHung(key, launch, shared)) throw new Error(`the shared Chromium (${key}) gives no context within ${answerWithinMs} ms, and which process it is could not be told: not replaced`);
  const again = launchedFor(key, executablePath, args);
  return closingWithLast(key, again, await (await again).browser.newContext(options));
}

/** Kills a browser that does not answer, once (the next context launches another); false when its process is unknown. */
function killHung(key: string, launch: Promise<Shared>, { pid }: Shared): boolean {
  if (launched.get(key) !== launch) return true; // killed already: another caller waited on it too
  if (pid === undefined) return false;
  launched.delete(key);
  killGroup(pid);
  return true;
}

/** The pid of the browser a context is in, when it is known: for the tests of this file. */
export function browserPidOf(context: BrowserContext): number | undefined {
  return pids.get(context.browser()!);
}

const pids = new WeakMap<Browser, number>();

function launchedFor(key: string, executablePath: string, args: string[]): Promise<Shared> {
  let launch = launched.get(key);
  if (!launch) {
    const own: Promise<Shared> = launchShared(executablePath, args, () => launched.get(key) === own && launched.delete(key));
    launch = own;
    launched.set(key, own);
    own.catch(() => launched.get(key) === own && launched.delete(key));
  }
  return launch;
}

async function answeredWithin<T>(answer: Promise<T>, ms: number): Promise<T | undefined> {
  answer.catch(() => {}); // given up on, it fails when the browser is killed
  let timer: ReturnType<typeof setTimeout> | undefined;
  const result = await Promise.race([answer, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)))]);
  clearTimeout(timer);
  return result;
}

/** Run without the runner, the browser closes with its last context (its pipes would keep the process from ending). */
function closingWithLast(key: string, launch: Promise<Shared>, context: BrowserContext): BrowserContext {
  if (sharedUntilRunnerEnds()) return context;
  const browser = context.browser()!;
  context.on('close', () => {
    if (browser.contexts().length > 0 || launched.get(key) !== launch) return;
    launched.delete(key);
    void browser.close();
  });
  return context;
}

function killGroup(pid: number | undefined): void {
  for (const target of pid === undefined ? [] : [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // not a group leader, or gone
    }
  }
}

async function launchShared(executablePath: string, args: string[], gone: () => void): Promise<Shared> {
  const before = new Set(childrenOf(process.pid));
  // a temp folder of its own: one killed (hung, or at the process's exit) leaves its files there, not among another's
  const temp = mkdtempSync(join(tmpdir(), 'octant-exec-chromium-'));
  // in event and exit handlers: a failure to remove it (a dying child still writing) must not throw there; the run names what is left
  const removeTemp = () => {
    try {
      rmSync(temp, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      // left for the run's own check of its temp folder to name
    }
  };
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath, headless: true, args, env: { ...process.env, TMPDIR: temp } });
  } catch (error) {
    removeTemp();
    throw error;
  }
  const pid = browserPid(before);
  if (pid !== undefined) pids.set(browser, pid);
  const unmark = pid === undefined ? () => {} : sharedProcess(pid);
  // the process ends before its files did (a watchdog, a signal): the browser's group goes with it
  const forget = shareUntilFilesEnd(
    () => browser.close(),
    () => {
      killGroup(pid);
      removeTemp();
    },
  );
  browser.on('disconnected', () => {
    gone();
    unmark();
    forget();
    removeTemp();
  });
  return { browser, pid };
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
