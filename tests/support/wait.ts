// Waiting with a bound: tests wait on behaviour, never on a fixed sleep. What the tests are
// waiting for right now is kept, so a test that outlives its deadline can say what it was
// waiting for, and its waits can be given up (see test.ts) instead of polling on behind the run.
const waiting = new Map<symbol, { what: string; giveUp: (reason: Error) => void }>();

/** What the tests are waiting for at this moment, oldest first. */
export function currentWaits(): string[] {
  return [...waiting.values()].map((wait) => wait.what);
}

/** Every current wait fails now with `reason` (a test's deadline has passed). */
export function giveUpWaits(reason: Error): void {
  for (const wait of [...waiting.values()]) wait.giveUp(reason);
  waiting.clear();
}

/** Runs `body` as a wait named `what`: it settles with `body`, or fails when the wait is given up. */
function asWait<T>(what: string, body: (givenUp: () => Error | undefined) => Promise<T>): Promise<T> {
  const key = Symbol(what);
  let reason: Error | undefined;
  let giveUp!: (error: Error) => void;
  const abandoned = new Promise<never>((_, reject) => (giveUp = reject));
  abandoned.catch(() => {}); // a wait that ends normally is never given up
  waiting.set(key, {
    what,
    giveUp: (error) => {
      reason = error;
      giveUp(error);
    },
  });
  return Promise.race([body(() => reason), abandoned]).finally(() => waiting.delete(key));
}

/** Polls `check` until it gives a truthy value (returned), or fails after `timeoutMs` naming `what`. */
export function waitFor<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 10_000): Promise<T> {
  return asWait(`${what} (waitFor, ${timeoutMs} ms)`, async (givenUp) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await check();
      if (value) return value;
      const reason = givenUp();
      if (reason) throw reason;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  });
}

/**
 * Like waitFor, asking again (`ask`) every `everyMs` until `check` holds: for an answer that can
 * predate what it reports. A terminal's size travels apart from its keys (kubectl sends them from
 * two goroutines), so a `stty size` typed at once may run before the size has come.
 */
export function waitAsking(ask: () => void, check: () => boolean, what: string, timeoutMs = 10_000, everyMs = 2_000): Promise<true> {
  let askedAt = -Infinity;
  return waitFor(() => {
    if (check()) return true;
    if (Date.now() - askedAt >= everyMs) {
      ask();
      askedAt = Date.now();
    }
    return false;
  }, what, timeoutMs);
}

/** `promise`, or a failure naming `what` if it has not settled within `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)));
  return asWait(`${what} (withTimeout, ${ms} ms)`, () => Promise.race([promise, late])).finally(() => clearTimeout(timer));
}
