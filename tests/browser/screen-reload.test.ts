// Issue 19's "reload during vi and during top shows the same screen": in a real Chromium, vi on a
// file in one tab and top in another, the page reloaded, and the xterm.js buffer compared cell
// for cell (characters, colours, attributes, which buffer, the cursor) before and after, with no
// resize in between. The page asks for the screen on a fresh attach (docs/api.md "Screen on
// attach"). The tab not shown during the reload is the case a raw replay got wrong: its bytes
// were drawn on a terminal not yet fitted, and vi's alternate screen does not reflow. Each reload
// checks the page was sent a screen (a raw replay at the same size would draw vi the same). Last, a
// reload in a smaller window: the screen is drawn at the size it was built at, then fitted, and vi
// redraws for the new size. Steps share one server and one page, in order.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { PAGE_WAIT_MS, startBrowserApp, waitForRow, waitForText, type BrowserApp } from './support.ts';
import { waitFor } from '../support/wait.ts';
import { screenCells, type ScreenCells } from '../support/terminal-cells.ts';

// A pod with vi (this machine's vim) and top (procps), beside bash.
const fixture = { namespaces: [{ name: 'default', pods: [{ name: 'editor', containers: [{ name: 'main', image: 'debian:12', shells: ['bash'], tools: ['coreutils', 'procps', 'vi'] }] }] }] };

let b: BrowserApp;
let page: Page;

interface Attached {
  type: 'attached';
  sessionId: string;
  screen?: number;
  screenSize?: { cols: number; rows: number };
}
/** the `attached` messages the page received on its sockets, oldest first */
const attachedSeen: Attached[] = [];

test.before(async () => {
  b = await startBrowserApp({ sandboxOptions: { fixture } });
  page = b.page;
  page.on('websocket', (ws) =>
    ws.on('framereceived', ({ payload }) => {
      const message = typeof payload === 'string' ? JSON.parse(payload) : undefined;
      if (message?.type === 'attached') attachedSeen.push(message);
    }),
  );
});
test.after(async () => {
  await b?.close();
});

const badge = (tab = 'main: shell') => page.locator(`[role=tab][aria-label="${tab}"] .badge`);

/** The shown terminal's size. */
function termSize(): Promise<{ cols: number; rows: number }> {
  return page.evaluate(() => {
    const term = (document.querySelector('[role=tabpanel] .xterm-host') as unknown as { terminal: { cols: number; rows: number } }).terminal;
    return { cols: term.cols, rows: term.rows };
  });
}

/** The shown terminal's screen, read from its xterm.js buffer in the page. */
function cells(): Promise<ScreenCells> {
  return page.evaluate(`(${screenCells.toString()})(document.querySelector('[role=tabpanel] .xterm-host').terminal)`);
}

/** The screen once it has stopped changing (two reads in a row the same): the program has drawn it. */
async function settled(): Promise<ScreenCells> {
  let last = await cells();
  for (let i = 0; i < 50; i++) {
    await page.waitForTimeout(200);
    const now = await cells();
    if (JSON.stringify(now) === JSON.stringify(last)) return now;
    last = now;
  }
  throw new Error(`the screen kept changing: ${last.rows.slice(0, 3).join('\n')}`);
}

/**
 * Waits (bounded) until the shown terminal's screen is `expected`, and returns it; past the wait,
 * the screen as it is then, for the assertions to say where it differs. A terminal brought back gets
 * its screen after the socket's `attached`, in frames of its own: read before they are drawn, it is
 * the empty screen it starts with, which stays so however long one waits for it to change.
 */
async function screenBecomes(expected: ScreenCells, what: string): Promise<ScreenCells> {
  let now = await cells();
  const same = () => JSON.stringify(now) === JSON.stringify(expected);
  await waitFor(async () => ((now = await cells()), same()), `${what}: the screen as it was`, PAGE_WAIT_MS).catch(() => {});
  return now;
}

/** Reload the page and the same screen comes back, cell for cell. */
async function reloadKeepsScreen(what: string, tab?: string): Promise<void> {
  const before = await settled();
  attachedSeen.length = 0;
  await page.reload();
  await waitForText(badge(tab), /^live$/);
  await page.waitForFunction(() => (document.querySelector('[role=tabpanel] .xterm-host') as unknown as { terminal?: unknown })?.terminal);
  const after = await screenBecomes(before, what);
  assert.ok(attachedSeen.length > 0, `${what}: attached`);
  for (const attached of attachedSeen) assert.ok((attached.screen ?? 0) > 0, `${what}: ${attached.sessionId} came back as a screen, not a raw replay`);
  assert.equal(after.buffer, before.buffer, `${what}: the buffer shown`);
  assert.equal(after.cursor, before.cursor, `${what}: the cursor`);
  after.rows.forEach((row, y) => assert.is(row, before.rows[y], `${what}: row ${y}`));
  assert.is(after.rows.length, before.rows.length);
}

test('a reload during vi shows the same screen, cell for cell', async () => {
  await page.goto(b.openUrl);
  await page.getByRole('link', { name: 'editor', exact: true }).click();
  await page.getByRole('button', { name: 'Shell', exact: true }).click();
  await waitForText(badge(), /^live$/);
  await page.keyboard.type("printf 'first line\\n\\tsecond, tabbed\\nthird\\n' > /tmp/notes.txt\r");
  // no vimrc (the sandbox has no vim runtime files): line numbers, a status line and the mode shown
  await page.keyboard.type("vi -u NONE -c 'set number laststatus=2 showmode' /tmp/notes.txt\r");
  await waitForRow(page, /^\s+2\s+second, tabbed$/);
  await page.keyboard.type('jjA, edited'); // insert mode: the mode line and a moved cursor
  await waitForRow(page, /-- INSERT --/);
  await waitForRow(page, /^\s+3\s+third, edited$/); // all of it typed: vi waits for the next key
  const before = await cells();
  assert.is(before.buffer, 'alternate', 'vi draws on the alternate screen');
  assert.ok(before.rows.some((row) => /\|[1-9]\d*:\d+\|/.test(row)), 'some cell has a colour (the line numbers)');
  assert.ok(before.rows.some((row) => /\|10001$/.test(row)), 'some cell is bold and reverse (the status line)');
  await reloadKeepsScreen('vi');
  // still vi, still in insert mode: what is typed now goes on the same line
  await page.locator('[role=tabpanel] .xterm').click();
  await page.keyboard.type(' again');
  await waitForRow(page, /^\s+3\s+third, edited again$/);
});

test('a reload during top shows the same screen; vi, in a tab not shown meanwhile, comes back too', async () => {
  const vi = await settled();
  assert.is(vi.buffer, 'alternate');
  await page.getByRole('button', { name: 'Exec', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Exec in pod' });
  // a delay long enough that top does not redraw while the screens are compared
  await dialog.getByRole('textbox', { name: 'Command', exact: true }).fill('top -d 30');
  await dialog.getByRole('button', { name: 'Run' }).click();
  await waitForText(badge('main: top -d 30'), /^live$/);
  await waitForRow(page, /^\s*PID\s+USER/);
  const before = await settled();
  assert.ok(before.rows.some((row) => /\|\d0001( |$)/.test(row)), 'top shows its header in reverse video');
  await reloadKeepsScreen('top', 'main: top -d 30');
  // vi's tab was not shown: its terminal got its screen unseen, at the session's size, and shows it now
  await page.getByRole('tab', { name: 'main: shell', exact: true }).click();
  const after = await screenBecomes(vi, 'vi, not shown during the reload');
  assert.equal(after.buffer, vi.buffer, 'vi: the buffer shown');
  assert.equal(after.cursor, vi.cursor, 'vi: the cursor');
  after.rows.forEach((row, y) => assert.is(row, vi.rows[y], `vi, not shown during the reload: row ${y}`));
});

test('a reload in a smaller window draws the screen at the size it was built at, then fits, and vi redraws', async () => {
  const built = await termSize();
  // the page's socket goes through the test, which holds the server's binary frames (the screens
  // and what follows them, in order) until the terminal's size before drawing has been read
  let holding = true;
  const held: (() => void)[] = [];
  await page.routeWebSocket(/\/api\/v1\/stream$/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((message) => server.send(message));
    server.onMessage((message) => (holding && typeof message !== 'string' ? held.push(() => ws.send(message)) : ws.send(message)));
  });
  // the window shrinks while no page is open: the session keeps the size the screen is built at
  const url = page.url();
  await page.goto('about:blank');
  await page.setViewportSize({ width: 900, height: 600 });
  await page.goto(url);
  await waitForText(badge(), /^live$/);
  // runs in the page: the shown terminal's size is `size`, or smaller both ways
  const sizeIs = ({ size, smaller }: { size: { cols: number; rows: number }; smaller: boolean }) => {
    const term = (document.querySelector('[role=tabpanel] .xterm-host') as unknown as { terminal?: { cols: number; rows: number } })?.terminal;
    return term && (smaller ? term.cols < size.cols && term.rows < size.rows : term.cols === size.cols && term.rows === size.rows);
  };
  // fails (times out) where the terminal was fitted to the smaller window before its screen came
  await page.waitForFunction(sizeIs, { size: built, smaller: false }, { timeout: 10_000 }).catch(() => {});
  const beforeDrawing = await termSize();
  holding = false;
  held.splice(0).forEach((send) => send());
  assert.equal(beforeDrawing, built, 'before its screen is drawn, the terminal has the size the screen was built at');
  await page.waitForFunction(sizeIs, { size: built, smaller: true });
  await waitForRow(page, /^\s+3\s+third, edited again$/);
  const redrawn = await settled();
  assert.is(redrawn.rows.length, (await termSize()).rows, 'vi redrew for the fitted size');
});

test.run();
