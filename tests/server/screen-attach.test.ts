// Screen-exact attach (docs/api.md "Screen on attach"): a fresh viewer that asks for the screen
// gets the terminal's screen as of an offset X, built while output keeps flowing, then every
// live byte from X exactly once; stale and too-new offsets, a non-TTY session and a bad flag.
// (Whether output lands during the build here is up to the machine: screen-attach-queue.test.ts
// makes it land there every time.)
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import headless from '@xterm/headless';
import { StreamClient, openExec, sessionState, startTestApp } from './support.ts';
import { waitFor } from '../support/wait.ts';
import { screenCells } from '../support/terminal-cells.ts';

// the default scrollback (1 MiB): room for the first test's stream up to the attach; the second one's is trimmed
const app = await startTestApp();
test.after(() => app.close());

const size = { cols: 90, rows: 20 };

/** The screen that `bytes` draw on a fresh terminal of the session's size, cell by cell. */
async function drawn(bytes: Uint8Array) {
  const term = new headless.Terminal({ ...size, scrollback: 0, allowProposedApi: true });
  await new Promise<void>((resolve) => term.write(bytes, resolve));
  const cells = screenCells(term);
  term.dispose();
  return cells;
}

async function shell(): Promise<{ id: string; first: StreamClient }> {
  const [id] = await openExec(app, { namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'sh' } });
  const first = await StreamClient.open(app);
  await first.attach(id);
  await waitFor(async () => (await sessionState(app, id))?.state === 'interactive', 'the shell to connect', 15_000);
  first.send({ type: 'resize', sessionId: id, ...size });
  await waitFor(async () => (await sessionState(app, id))?.size?.cols === size.cols, 'the resize to reach the session list', 10_000);
  return { id, first };
}

test('a viewer that asks for the screen while output flows gets the screen as of X, then every byte from X exactly once', async () => {
  const { id, first } = await shell();
  // colours, the alternate screen and a cursor move, then a long stream going on through the attach
  // an endless stream, stopped with Ctrl-C once the second viewer has its screen
  first.type(id, "printf '\\033[?1049h\\033[2J\\033[31;1mred\\033[0m \\033[44mblue\\033[0m\\033[5;10Hmoved'; i=0; while :; do i=$((i+1)); echo tick-$i; done\r");
  await first.waitForText(id, /\r\ntick-2000\r\n/, 30_000);
  const second = await StreamClient.open(app);
  const attached = await second.attach(id, { screen: true });
  const x = attached.to;
  assert.is(attached.from, x, 'nothing is replayed raw after a screen');
  assert.is(attached.dropped, 0);
  assert.ok((attached.screen ?? 0) > 0, 'a screen was sent');
  await waitFor(() => second.screen(id).length === attached.screen, 'the whole screen', 5_000);
  await second.waitForText(id, /tick-\d+\r\n/);
  first.type(id, '\x03');
  first.type(id, 'echo ALL-$((1+1))\r');
  await first.waitForText(id, /ALL-2\r\n/, 30_000);
  await second.waitForText(id, /ALL-2\r\n/, 30_000);

  // The first viewer saw everything from offset 0: the second's live bytes are exactly its bytes from X on.
  const all = first.bytes(id);
  assert.ok(all.length > x + 1000, 'the stream went on past X');
  assert.ok(second.bytes(id).equals(all.subarray(x)), `live bytes from X: ${second.bytes(id).length} against ${all.length - x}`);
  // The screen is the screen of exactly X bytes, cell by cell, in the alternate buffer.
  const expected = await drawn(all.subarray(0, x));
  assert.is(expected.buffer, 'alternate');
  assert.equal(await drawn(second.screen(id)), expected);
  await first.close();
  await second.close();
});

test('stale and too-new offsets: a raw attach reports the gap or starts at the end; a screen attach stands for them all', async () => {
  const { id, first } = await shell();
  first.type(id, 'seq 1 200000; echo DONE-$((2*3))\r');
  await first.waitForText(id, /DONE-6\r\n/, 30_000);
  const { start, end } = app.hub.stats(id)!;
  assert.ok(start > 0, 'the scrollback has been trimmed');
  const tab = await StreamClient.open(app);

  const stale = await tab.attach(id, { from: 1 });
  assert.is(stale.from, start);
  assert.is(stale.dropped, start - 1);
  const tooNew = await tab.attach(id, { from: end + 1_000_000 });
  assert.equal([tooNew.from, tooNew.to, tooNew.dropped], [end, end, 0]);
  const screen = await tab.attach(id, { from: end + 1_000_000, screen: true });
  assert.equal([screen.from, screen.to, screen.dropped], [end, end, 0]);
  await waitFor(() => tab.screen(id).length === screen.screen, 'the screen', 5_000);
  const held = first.bytes(id).subarray(start);
  assert.equal(await drawn(tab.screen(id)), await drawn(held), 'the screen is what the held bytes draw');
  await first.close();
  await tab.close();
});

test('a session without a TTY gets its bytes raw even when it asks for the screen; "screen" must be a boolean', async () => {
  const [id] = await openExec(app, { namespace: 'default', pod: 'web', containers: ['nginx'], command: { argv: ['sh', '-c', 'echo plain-$((4*5))'] }, interactive: false });
  const tab = await StreamClient.open(app);
  await tab.attach(id);
  await tab.waitForText(id, 'plain-20\n');
  const again = await StreamClient.open(app);
  const attached = await again.attach(id, { screen: true });
  assert.is(attached.screen, undefined);
  assert.is(attached.to - attached.from, 'plain-20\n'.length);
  await again.waitForText(id, 'plain-20\n');
  const seen = again.messages.length;
  again.send({ type: 'attach', sessionId: id, screen: 'yes' });
  const error = await again.next('error', () => true, 'an error', seen);
  assert.is(error.code, 'badMessage');
  assert.match(error.message, /"screen" must be true or false/);
  await tab.close();
  await again.close();
});

test.run();
