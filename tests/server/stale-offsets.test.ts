// A reconnecting page with stale offsets (issue 19's bad input): its `from` is before what the
// server still holds (the scrollback moved on while it was away), or past the end (an offset from
// some other run of things). Either way it gets an honest `attached`: what it missed is counted
// in `dropped`, an offset past the end starts it at the end, and the output after the attach comes
// exactly once.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { StreamClient, openExec, startTestApp, type TestApp } from './support.ts';
import { waitFor } from '../support/wait.ts';

const SCROLLBACK = 4096;
/** the bytes `seq 1 5000` prints in a terminal: "1\r\n" … "5000\r\n" */
const SEQ_BYTES = 23_893 + 5000;

const stale = suite<{ app: TestApp; id: string; end: number; first: StreamClient }>('stale offsets');

stale.before(async (context) => {
  context.app = await startTestApp({ hub: { scrollbackBytes: SCROLLBACK } });
  [context.id] = await openExec(context.app, { namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'sh' } });
  context.first = await StreamClient.open(context.app);
  await context.first.attach(context.id);
  context.first.type(context.id, 'seq 1 5000\r');
  // the prompt after seq's output is the session's last byte until the tests type: `end` is final
  await context.first.waitForText(context.id, /\r\n5000\r\n[#$] $/);
  context.end = context.app.hub.stats(context.id)!.end;
  assert.ok(context.end >= SEQ_BYTES, `seq passed the scrollback: ${context.end}`);
});

stale.after(async ({ app, first }) => {
  await first?.close();
  await app?.close();
});

/** Types an echo on `typist` and resolves once both have its answer; returns how often the answer line reached `viewer`. */
async function echoSeenBy(typist: StreamClient, viewer: StreamClient, id: string, word: string): Promise<number> {
  typist.type(id, `echo ${word}-$((20+1))\r`);
  for (const client of new Set([viewer, typist])) await client.waitForText(id, `\r\n${word}-21\r\n`, 10_000);
  return viewer.text(id).split(`\r\n${word}-21\r\n`).length - 1;
}

stale('a `from` before what is held: told how many bytes are gone, given the rest, then live output once', async ({ app, id, end, first }) => {
  const page = await StreamClient.open(app);
  const attached = await page.attach(id, { from: 10 });
  assert.is(attached.to, end);
  assert.ok(attached.from > 10 && attached.to - attached.from <= SCROLLBACK, `the replay starts at the first byte still held: ${attached.from}`);
  assert.is(attached.dropped, attached.from - 10, 'dropped: from its offset to what is held');
  await waitFor(() => page.received(id) === attached.to - attached.from, 'the replay', 5_000);
  assert.equal(page.bytes(id), first.bytes(id).subarray(attached.from, attached.to), 'the held bytes, as they were');
  assert.is(await echoSeenBy(first, page, id, 'after'), 1, 'the new output arrives once');
  await page.close();
});

stale('a `from` past the end: starts at the end, nothing replayed, nothing dropped, then live output once', async ({ app, id, first }) => {
  for (const [i, from] of [app.hub.stats(id)!.end + 100_000, Number.MAX_SAFE_INTEGER].entries()) {
    const now = app.hub.stats(id)!.end;
    const page = await StreamClient.open(app);
    const attached = await page.attach(id, { from });
    assert.equal([attached.from, attached.to, attached.dropped], [now, now, 0], `from ${from}`);
    assert.is(await echoSeenBy(first, page, id, `past${i}`), 1, 'the new output arrives once');
    assert.equal(page.bytes(id), first.bytes(id).subarray(now, now + page.received(id)), 'exactly the bytes after the end it was given');
    await page.close();
  }
});

stale.run();
