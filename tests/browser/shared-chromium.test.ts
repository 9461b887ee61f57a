// The browser tests' one Chromium per test process (shared-chromium.ts): each context a person's
// browser of its own in it, what a file leaves open named and closed after it, and a file run
// without the runner still ending by itself; a hung browser replaced.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { startCli } from '../support/cli.ts';
import { leftInShared } from '../support/left-running.ts';
import { waitFor, withTimeout } from '../support/wait.ts';
import process from 'node:process';
import { answerWithin, browserPidOf, sharedContext } from './shared-chromium.ts';
import { CHROMIUM, chromiumArgs } from './support.ts';

const test = suite('the shared Chromium');

test('two contexts are one Chromium with cookies apart', async () => {
  const [one, two] = [await sharedContext(CHROMIUM, chromiumArgs(), {}), await sharedContext(CHROMIUM, chromiumArgs(), {})];
  try {
    assert.ok(one.browser() === two.browser(), 'one browser');
    await one.addCookies([{ name: 'who', value: 'one', url: 'http://127.0.0.1/' }]);
    assert.equal((await one.cookies()).map((c) => c.value), ['one']);
    assert.equal(await two.cookies(), [], 'none in the other');
  } finally {
    await Promise.all([one.close(), two.close()]);
  }
});

test('a context a file leaves open is named and closed after it', async () => {
  const left = await sharedContext(CHROMIUM, chromiumArgs(), {});
  await (await left.newPage()).goto('about:blank');
  let closed = false;
  left.on('close', () => (closed = true));
  assert.equal(await leftInShared(), ['a browser context on about:blank']);
  assert.ok(closed, 'closed');
  assert.equal(await leftInShared(), [], 'nothing more');
});

test('a browser that answers nothing (stopped, not gone) is killed, and the context comes from a new one', async () => {
  const first = await sharedContext(CHROMIUM, chromiumArgs(), {});
  const pid = browserPidOf(first);
  assert.ok(pid, 'its process is known');
  process.kill(pid!, 'SIGSTOP'); // connected still, and never answering: a hung browser
  const restore = answerWithin(2_000);
  try {
    const second = await withTimeout(sharedContext(CHROMIUM, chromiumArgs(), {}), 60_000, 'a context despite the hung browser');
    try {
      assert.ok(second.browser() !== first.browser(), 'from another browser');
      assert.ok(browserPidOf(second) !== undefined && browserPidOf(second) !== pid, 'another process');
      const page = await second.newPage();
      await page.setContent('<p>alive</p>');
      assert.is(await page.textContent('p'), 'alive');
      await waitFor(() => !first.browser()!.isConnected(), 'the hung browser killed (its pipe closed)', 10_000);
    } finally {
      await second.close();
    }
  } finally {
    restore();
    // still there only if the test failed; once gone, its pid may be another process's
    if (first.browser()!.isConnected()) process.kill(pid!, 'SIGKILL');
  }
});

test('a browser that hangs with a context open is killed by the check after the file (in 20 s, 2 s here), and the next context comes from a new one', async () => {
  const open = await sharedContext(CHROMIUM, chromiumArgs(), {});
  const pid = browserPidOf(open);
  assert.ok(pid, 'its process is known');
  process.kill(pid!, 'SIGSTOP');
  const restore = answerWithin(2_000);
  try {
    const left = await withTimeout(leftInShared(), 60_000, 'the check after the file to give up on the hung browser');
    assert.equal(left, ['a browser context on no page', 'its browser, which did not answer, killed']);
    await waitFor(() => !open.browser()!.isConnected(), 'the hung browser killed (its pipe closed)', 10_000);
    const next = await withTimeout(sharedContext(CHROMIUM, chromiumArgs(), {}), 60_000, 'a context from a new browser');
    assert.ok(next.browser() !== open.browser());
    await next.close();
  } finally {
    restore();
    if (open.browser()!.isConnected()) process.kill(pid!, 'SIGKILL');
  }
});

test('a file run without the runner ends by itself once its last context is closed', async () => {
  const alone = startCli([], { script: new URL('../support/shared-chromium-alone.ts', import.meta.url).pathname });
  try {
    const code = await withTimeout(alone.exit, 60_000, 'the file run alone to end by itself');
    assert.is(code, 0, alone.stderr());
    assert.equal(alone.stdout, ['closed its context']);
  } finally {
    if (alone.child.exitCode === null) alone.child.kill('SIGKILL');
  }
});

test.run();
