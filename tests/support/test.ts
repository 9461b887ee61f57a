// uvu's suite and test, each under a deadline. uvu has none: a test waiting on something that
// never comes would hold the whole run at 0% CPU (and CI's 90 minutes). Past its deadline a
// test or hook fails with its name and what it was waiting for, its waits are given up, the
// after-hooks run and the run goes on. Every test file takes `suite` and `test` from here
// (tests/house/rules.test.ts checks).
import { suite as uvuSuite, type Callback, type Test } from 'uvu';
import { appendFileSync } from 'node:fs';
import process from 'node:process';
import { currentWaits, giveUpWaits } from './wait.ts';

/** TEST_DEADLINE_SCALE stretches every deadline (a slow or very busy machine). */
const scale = Number(process.env.TEST_DEADLINE_SCALE ?? 1) || 1;

/** `ms` stretched as every deadline is, for a wait of the tests' support that is one. */
export function scaled(ms: number): number {
  return ms * scale;
}
/** TEST_TIMES=FILE appends each test's and hook's time to FILE ("ms<TAB>file<TAB>name"): where a slow file's time goes. */
const timesFile = process.env.TEST_TIMES;

/** Long enough for the slowest test on a busy 2-core machine, short beside CI's 90 minutes. */
export const DEFAULT_DEADLINE_MS = 90_000;

export interface SuiteOptions<T> {
  context?: T;
  /** each test's and hook's own deadline */
  deadlineMs?: number;
}

export function suite<T = Record<string, unknown>>(title: string, options: SuiteOptions<T> = {}): Test<T> {
  const inner = uvuSuite<T>(title, options.context);
  const ms = scaled(options.deadlineMs ?? DEFAULT_DEADLINE_MS);
  const where = (name: string) => (title ? `${title} › ${name}` : name);
  const wrap = (name: string, fn: Callback<T>): Callback<T> => (context) => underDeadline(where(name), ms, () => fn(context));
  const wrapped = ((name: string, fn: Callback<T>) => inner(name, wrap(name, fn))) as Test<T>;
  wrapped.only = (name, fn) => inner.only(name, wrap(name, fn));
  wrapped.skip = inner.skip;
  wrapped.before = Object.assign((fn: Callback<T>) => inner.before(wrap('before', fn)), { each: (fn: Callback<T>) => inner.before.each(wrap('before each', fn)) });
  wrapped.after = Object.assign((fn: Callback<T>) => inner.after(wrap('after', fn)), { each: (fn: Callback<T>) => inner.after.each(wrap('after each', fn)) });
  wrapped.run = () => inner.run();
  return wrapped;
}

/** The file's unnamed suite, as uvu's `test`. */
export const test = suite('');

async function underDeadline(name: string, ms: number, body: () => unknown): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const waits = currentWaits();
      const what = waits.length ? `waiting for ${waits.join('; ')}` : 'not in a waitFor or withTimeout: a promise that never settled';
      const error = new Error(`"${name}" still running after its deadline of ${ms / 1000} s, ${what}`);
      giveUpWaits(error); // they would poll on behind the next tests
      reject(error);
    }, ms);
  });
  const started = performance.now();
  try {
    await Promise.race([Promise.resolve().then(body), expired]);
  } finally {
    clearTimeout(timer);
    if (timesFile) appendFileSync(timesFile, `${Math.round(performance.now() - started)}\t${globalThis.UVU_QUEUE?.[0]?.[0] ?? ''}\t${name}\n`);
  }
}
