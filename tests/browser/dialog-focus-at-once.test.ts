// A dialog (ui/views/modal-form.tsx) has the keyboard's focus as soon as it is drawn, in the task
// that opened it, not a frame later: a key pressed at once (an Escape to cancel, Enter, the first
// letters of a command) goes to it, never to what opened it (a button, a tab). A key's arrival
// cannot be put before a frame from outside the page: where the focus is once the dialog is drawn
// is where such a key would go. Opened by a click (Exec) and by a key (Delete on a tab).
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { Locator, Page } from 'playwright-core';
import { appForFile, byName, waitForText, type BrowserApp } from './support.ts';

let b: BrowserApp;
let page: Page;
appForFile(test, (app) => {
  b = app;
  page = app.page;
});

const { badgeOf, button } = byName(() => page);

/**
 * Opens a dialog in the page by a click on `opener` or a key on it and, in the same task, once the
 * dialog is drawn, says where a key pressed then would go: "the dialog", or what has the focus instead.
 */
async function focusAsDialogShows(opener: Locator, how: 'click' | 'Delete'): Promise<string> {
  return page.evaluate(
    async ([opener, how]) => {
      // a pressed button and a tab a key is pressed on have the focus
      (opener as HTMLElement).focus();
      if (how === 'click') (opener as HTMLElement).click();
      else opener.dispatchEvent(new KeyboardEvent('keydown', { key: how, bubbles: true, cancelable: true }));
      // the dialog is drawn in a microtask after the event (Preact's render): a bounded number of turns, never a frame
      for (let turn = 0; !document.querySelector('dialog'); turn++) {
        if (turn === 1000) throw new Error('no dialog showed in the task that opened it');
        await Promise.resolve();
      }
      const dialog = document.querySelector('dialog')!;
      const active = document.activeElement;
      return dialog.open && dialog.contains(active) ? 'the dialog' : `${active?.tagName.toLowerCase()} ${active?.getAttribute('aria-label') ?? active?.textContent ?? ''}`;
    },
    [await opener.elementHandle(), how] as const,
  );
}

async function cancel(name: string): Promise<void> {
  const dialog = page.getByRole('dialog', { name });
  await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
  await dialog.waitFor({ state: 'detached' });
}

test('the Exec dialog, opened by its button, has the focus in the task that opened it', async () => {
  await page.goto(b.openUrl);
  await page.getByRole('link', { name: 'web', exact: true }).click();
  // Exec is drawn disabled until the pod's answer comes, and a disabled button opens nothing: a
  // trial click waits until it is enabled (and clicks nothing)
  await button('Exec').click({ trial: true });
  const keyGoesTo = await focusAsDialogShows(button('Exec'), 'click');
  await cancel('Exec in pod');
  assert.is(keyGoesTo, 'the dialog');
});

test('the close question, opened by Delete on a tab, has the focus in the task that opened it', async () => {
  await button('Shell').click();
  await waitForText(badgeOf('nginx: shell'), /^live$/);
  const keyGoesTo = await focusAsDialogShows(page.getByRole('tab', { name: 'nginx: shell', exact: true }), 'Delete');
  await cancel('Close a running terminal?');
  assert.is(keyGoesTo, 'the dialog');
});

test.run();
