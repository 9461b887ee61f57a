// Where the keyboard's focus goes, in a real Chromium against the server and the sandbox: arrow
// keys, Home and End on the tab bar keep it on the tab they select (the next key is the tab's, not
// the shell's); a dialog closed by Escape or Cancel gives it back to the button that opened it; a
// click on a tab and Restart put it in the terminal, so typing reaches the shell; Delete hands it to
// the next tab, and the last tab closed to what the pod view says instead. Only the selected tab's ×
// is a Tab stop, and the ×s are not the tablist's. Arrow keys on the Namespace picker do not change
// the page (Enter does). A Shell, Shell in all containers or Debug whose request is on its way stays
// focused (marked off, not disabled), and keeps the focus when it fails. Steps share one server and
// one page, in order.
// (Alerts and the Terminals page: focus-after-close.test.ts.)
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { Page, Route } from 'playwright-core';
import { focused, focusGoesTo } from './focus-checks.ts';
import { withTimeout } from '../support/wait.ts';
import { alertCards, appForFile, byName, PAGE_WAIT_MS, waitForPrompt, waitForRow, waitForText, type BrowserApp } from './support.ts';

let b: BrowserApp;
let page: Page;

appForFile(test, (app) => {
  b = app;
  page = app.page;
});

const { tab, badgeOf, button } = byName(() => page);


/** The tabs, in order, by id: a name changes when the first of a name closes ("(2)" becomes the first). */
const tabIds = () => page.getByRole('tab').evaluateAll((tabs) => tabs.map((t) => t.id));
const tabById = (id: string) => page.locator(`[role=tab]#${id}`);

/** Waits until the tab is selected and its panel's terminal is in place: it had its chance to take the focus. */
async function settled(id: string): Promise<void> {
  await page.waitForFunction((id) => document.getElementById(id)?.getAttribute('aria-selected') === 'true', id);
  await page.locator(`#${await tabById(id).getAttribute('aria-controls')} .xterm-helper-textarea`).waitFor({ state: 'attached' });
}


/** Whether the shown terminal's input (xterm's textarea) has the focus. */
const terminalFocused = () => page.evaluate(() => !!document.activeElement?.matches('[role=tabpanel] .xterm-helper-textarea'));

test('ArrowRight on the tab bar selects the next tab and keeps the focus on it: Delete then asks to close that tab', async () => {
  await page.goto(b.openUrl);
  await page.getByRole('link', { name: 'web', exact: true }).click();
  await button('Shell in all containers').click();
  for (const name of ['sidecar: shell', 'nginx: shell']) await waitForText(badgeOf(name), /^live$/);
  const [first, second] = await page.getByRole('tab').evaluateAll((tabs) => tabs.map((t) => t.getAttribute('aria-label')!));
  await tab(first).click();
  await tab(first).focus();
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction((name) => document.querySelector(`[role=tab][aria-label="${name}"]`)?.getAttribute('aria-selected') === 'true', second);
  // the new panel's terminal is in place: it had its chance to take the focus
  await page.locator(`#${await tab(second).getAttribute('aria-controls')} .xterm-helper-textarea`).waitFor({ state: 'attached' });
  assert.is(await focusGoesTo(page, tab(second)), true);
  await page.keyboard.press('Delete');
  const confirm = page.getByRole('dialog', { name: 'Close a running terminal?' });
  await confirm.waitFor();
  assert.match(await confirm.innerText(), new RegExp(second.split(':')[0]));
  await page.keyboard.press('Escape');
  await confirm.waitFor({ state: 'detached' });
  assert.is(await focusGoesTo(page, tab(second)), true, 'Escape gives the focus back to the tab');
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction((name) => document.querySelector(`[role=tab][aria-label="${name}"]`)?.getAttribute('aria-selected') === 'true', first);
  assert.is(await focusGoesTo(page, tab(first)), true);
});

test('a click on a tab puts the focus in its terminal', async () => {
  const second = (await page.getByRole('tab').nth(1).getAttribute('aria-label'))!;
  await tab(second).click();
  await page.waitForFunction(() => !!document.activeElement?.matches('[role=tabpanel] .xterm-helper-textarea'));
  assert.is(await page.getByRole('tabpanel').getAttribute('aria-labelledby'), await tab(second).getAttribute('id'));
});

/**
 * What has the focus at the moment the page first shows the tab `id` selected (seen by a
 * MutationObserver, before the browser takes the next key), after `act`: "terminal" when its
 * terminal has it, so a key typed as soon as the terminal shows reaches the shell.
 */
async function focusAsShown(id: string, act: () => Promise<void>): Promise<string> {
  await page.evaluate((id) => {
    (window as unknown as { focusAsShown: Promise<string> }).focusAsShown = new Promise((resolve) => {
      const observer = new MutationObserver(() => {
        if (document.getElementById(id)?.getAttribute('aria-selected') !== 'true') return;
        observer.disconnect();
        const active = document.activeElement;
        resolve(active?.matches(`[role=tabpanel][aria-labelledby="${id}"] .xterm-helper-textarea`) ? 'terminal' : `${active?.tagName.toLowerCase()}.${active?.className}`);
      });
      observer.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-selected'] });
    });
  }, id);
  await act();
  // bounded: a tab never shown selected would leave the page's promise, and the test, waiting
  return withTimeout(
    page.evaluate(() => (window as unknown as { focusAsShown: Promise<string> }).focusAsShown),
    PAGE_WAIT_MS,
    `the tab ${id} shown selected`,
  );
}

test("a terminal has the focus as soon as its tab shows selected, from a click on the tab and from the Terminals page's Open", async () => {
  const [first, second] = await tabIds();
  assert.is(await focusAsShown(first, () => page.locator(`#${first}`).click()), 'terminal', 'a click on a tab');
  const secondName = (await tabById(second).getAttribute('aria-label'))!;
  await page.getByRole('link', { name: 'Terminals', exact: true }).click();
  const open = page.getByRole('button', { name: `Open web/${secondName}`, exact: true });
  assert.is(await focusAsShown(second, () => open.click()), 'terminal', "the Terminals page's Open");
});

for (const [opener, dialogName] of [
  ['Exec', 'Exec in pod'],
  ['Settings', 'Settings'],
] as const) {
  test(`closing the ${dialogName} dialog by Escape or Cancel gives the focus back to ${opener}`, async () => {
    for (const how of ['Escape', 'Cancel'] as const) {
      await button(opener).click();
      const dialog = page.getByRole('dialog', { name: dialogName });
      await dialog.waitFor();
      if (how === 'Escape') await page.keyboard.press('Escape');
      else await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
      await dialog.waitFor({ state: 'detached' });
      assert.is(await focusGoesTo(page, button(opener)), true, how);
    }
  });
}

test('a dialog that goes after something else took the focus leaves it there (the terminal its Run opened), not back on its opener', async () => {
  // As a slow page orders it (frames late): the Exec dialog's Run opens a terminal, which takes the
  // focus, and only then does the dialog's component go; it gave the focus back to Exec, and what
  // was typed next went to the button. Here the same order, made sure of: the dialog is closed and
  // another element focused, and only then does its component go (its Cancel's handler).
  await button('Exec').click();
  const dialog = page.getByRole('dialog', { name: 'Exec in pod' });
  await dialog.waitFor();
  await page.evaluate(() => {
    const d = document.querySelector<HTMLDialogElement>('dialog[open]')!;
    const cancel = [...d.querySelectorAll('button')].find((b) => b.textContent === 'Cancel')!;
    d.close();
    document.querySelector<HTMLElement>('[role=tab]')!.focus();
    cancel.click();
  });
  await page.locator('dialog').waitFor({ state: 'detached' });
  // a focus given back goes with the component's effects: two frames on, it would have
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  assert.is(await focused(page, page.getByRole('tab').first()), true, 'the tab that took the focus keeps it');
});

test('Restart on an ended terminal puts the focus in it: what is typed next runs in the new shell', async () => {
  const name = (await page.getByRole('tab', { selected: true }).getAttribute('aria-label'))!;
  await page.locator('[role=tabpanel] .xterm').click();
  await page.keyboard.type('exit\r');
  await waitForText(badgeOf(name), /^exited 0$/);
  await button('Restart').click();
  await waitForText(badgeOf(name), /^live$/);
  assert.ok(await terminalFocused(), String(await focused(page, page.locator('[role=tabpanel] .xterm-helper-textarea'))));
  await waitForPrompt(page); // the new run's shell reads its line at the prompt
  await page.keyboard.type('echo again-$((2+3))\r');
  await waitForRow(page, /^again-5$/);
});

test('Home and End on the tab bar select the first and the last tab and keep the focus on it', async () => {
  await button('Shell').click();
  await page.waitForFunction(() => document.querySelectorAll('[role=tab]').length === 3);
  const [first, second, third] = await tabIds();
  await waitForText(tabById(third).locator('.badge'), /^live$/);
  await tabById(second).click();
  await tabById(second).focus();
  await page.keyboard.press('Home');
  await settled(first);
  assert.is(await focusGoesTo(page, tabById(first)), true);
  await page.keyboard.press('End');
  await settled(third);
  assert.is(await focusGoesTo(page, tabById(third)), true);
});

test("only the selected tab's × is a Tab stop, and the accessibility tree has the ×s outside the tablist", async () => {
  const stops = await page.locator('.tab-close').evaluateAll((closes) => closes.map((c) => ({ selected: c.closest('.tab')!.classList.contains('selected'), tabIndex: (c as HTMLElement).tabIndex })));
  assert.equal(
    stops.map((s) => s.tabIndex),
    stops.map((s) => (s.selected ? 0 : -1)),
  );
  // from the last tab, Shift+Tab leaves the strip: no other tab's × on the way
  await page.keyboard.press('Shift+Tab');
  assert.not.ok(await page.evaluate(() => document.activeElement?.matches('.tab-close')), String(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))));
  // Chromium's own tree, as a screen reader gets it: the tablist owns tabs only (ARIA's required owned elements)
  const cdp = await b.context.newCDPSession(page);
  const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: { nodeId: string; ignored: boolean; role?: { value: string }; name?: { value: string }; childIds?: string[] }[] };
  await cdp.detach();
  const byId = new Map(nodes.map((n) => [n.nodeId, n]));
  // children as a screen reader sees them: through ignored and generic wrappers
  const children = (id: string): typeof nodes =>
    (byId.get(id)?.childIds ?? []).flatMap((c) => {
      const child = byId.get(c);
      return !child ? [] : child.ignored || child.role?.value === 'generic' || child.role?.value === 'none' ? children(c) : [child];
    });
  const tablist = nodes.find((n) => n.role?.value === 'tablist')!;
  assert.equal([...new Set(children(tablist.nodeId).map((n) => n.role?.value))], ['tab']);
  const closes = nodes.filter((n) => n.role?.value === 'button' && /^Close /.test(n.name?.value ?? ''));
  assert.is(closes.length, 3, 'every × is still in the tree');
});

test('Delete on a tab closes it and the focus goes to the tab that follows (the one before, for the last), not into its terminal', async () => {
  const [first, second, third] = await tabIds();
  const confirmClose = async () => {
    const confirm = page.getByRole('dialog', { name: 'Close a running terminal?' });
    await confirm.waitFor();
    // Cancel has the focus first; "Close terminal" comes next
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await confirm.waitFor({ state: 'detached' });
  };
  await tabById(second).click();
  await tabById(second).focus();
  await page.keyboard.press('Delete');
  await confirmClose();
  await tabById(second).waitFor({ state: 'detached' });
  await settled(third);
  assert.is(await focusGoesTo(page, tabById(third)), true, 'the tab that followed');
  await page.keyboard.press('Delete');
  await confirmClose();
  await tabById(third).waitFor({ state: 'detached' });
  await settled(first);
  assert.is(await focusGoesTo(page, tabById(first)), true, 'the one before');
});

test("another tab's ×, clicked and its question answered with the mouse: the focus goes to the shown tab, not to <body>", async () => {
  const [left] = await tabIds();
  await button('Shell').click();
  await page.waitForFunction(() => document.querySelectorAll('[role=tab]').length === 2);
  const added = (await tabIds()).find((id) => id !== left)!;
  await settled(added);
  await button(`Close ${await tabById(left).getAttribute('aria-label')}`).click();
  await page.getByRole('dialog', { name: 'Close a running terminal?' }).getByRole('button', { name: 'Close terminal', exact: true }).click();
  await tabById(left).waitFor({ state: 'detached' });
  assert.is(await focusGoesTo(page, tabById(added)), true, 'the shown tab');
});

test("the last tab closed (its × by the keyboard): the focus goes to the pod view's advice, not to <body>", async () => {
  const only = (await page.getByRole('tab').getAttribute('aria-label'))!;
  await page.locator('[role=tabpanel] .xterm').click();
  await page.keyboard.type('exit\r');
  await waitForText(badgeOf(only), /^exited 0$/);
  await tab(only).focus();
  await page.keyboard.press('Tab');
  assert.is(await focused(page, button(`Close ${only}`)), true, "the selected tab's × is the next stop");
  await page.keyboard.press('Enter');
  const advice = page.locator('.empty-terminals');
  await advice.waitFor();
  assert.match(await advice.innerText(), /^No terminals in this pod yet/);
  assert.is(await focusGoesTo(page, advice), true);
});

test('arrow keys on the Namespace picker move its choice and leave the page where it is; Escape puts back the one in use, Enter goes to the one chosen, a pick from the list goes at once', async () => {
  await page.goto(b.openUrl);
  await page.getByRole('link', { name: 'web', exact: true }).waitFor();
  const picker = page.getByRole('combobox', { name: 'Namespace', exact: true });
  const namespaceInUrl = () => new URL(page.url()).searchParams.get('namespace') ?? 'default';
  const before = namespaceInUrl();
  await picker.focus();
  await page.keyboard.press('ArrowDown');
  const chosen = await picker.inputValue();
  assert.is.not(chosen, before, 'the arrow moved the choice');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowDown');
  assert.is(namespaceInUrl(), before, 'no arrow key changed the page');
  assert.ok(await page.getByRole('link', { name: 'web', exact: true }).isVisible(), "the Pods list is still this namespace's");
  await page.keyboard.press('Escape');
  await page.waitForFunction((before) => (document.getElementById('pick-namespace') as HTMLSelectElement).value === before, before);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.waitForFunction((chosen) => new URL(location.href).searchParams.get('namespace') === chosen, chosen);
  assert.is(await focused(page, picker), true, 'the focus stays on the picker');
  await picker.selectOption(before);
  await page.waitForFunction((before) => new URL(location.href).searchParams.get('namespace') === before, before);
});

for (const name of ['Shell', 'Shell in all containers', 'Debug nginx']) {
  test(`${name}: while its request is on its way the button keeps the focus (marked off), and when it fails the focus is still there, to try again`, async () => {
    await page.goto(new URL('/?namespace=default&pod=web', b.app.url).href);
    // the server's answer is held, then a refusal: the button is seen pending, then failed
    let held!: (route: Route) => void;
    const request = new Promise<Route>((resolve) => (held = resolve));
    await page.route('**/api/v1/exec', (route) => held(route));
    try {
      // "Shell" is on screen, disabled, while the pod loads, and a disabled button takes no focus:
      // a trial click waits until it is enabled (and clicks nothing)
      await button(name).click({ trial: true });
      await button(name).focus();
      assert.is(await focused(page, button(name)), true, 'the button took the focus');
      await page.keyboard.press('Enter');
      const route = await withTimeout(request, 30_000, `the ${name} request`);
      await page.waitForFunction(() => document.activeElement?.getAttribute('aria-disabled') === 'true');
      assert.is(await focused(page, button(name)), true, 'the pending button keeps the focus');
      await route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ error: { message: `${name} refused by the test.` } }) });
      await alertCards(page).filter({ hasText: `${name} refused by the test.` }).waitFor();
      await page.waitForFunction(() => document.activeElement?.getAttribute('aria-disabled') !== 'true');
      assert.is(await focused(page, button(name)), true, 'the failed button still has the focus');
    } finally {
      await page.unroute('**/api/v1/exec');
    }
  });
}

test('no page errors', () => {
  assert.equal(b.problems, []);
});

test.run();
