// The browser tests' one Chromium per test process (shared-chromium.ts): each context a person's
// browser of its own in it, what a file leaves open named and closed after it, and a file run
// without the runner still ending by itself.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { startCli } from '../support/cli.ts';
import { leftInShared } from '../support/left-running.ts';
import { withTimeout } from '../support/wait.ts';
import { sharedContext } from './shared-chromium.ts';
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
