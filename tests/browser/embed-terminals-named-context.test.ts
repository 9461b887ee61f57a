// The embed's Terminals view (Octant's tab of one pod) opens that pod's terminals in the embed and
// another pod's in octant-exec's own page, in a new window. A terminal opened with its context
// named (the main page's Context picker names it, even the server's own) was taken for another
// pod's when the embed names none (Octant's never does): the Pod view of the embed had it as a tab
// (its context is the server's own), but its row on the Terminals view was "Open ↗", a new
// window, instead of Open in the embed. Absent and the server's own name are one cluster.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { startBrowserApp, waitForText, type BrowserApp } from './support.ts';

const test = suite('embed terminals: a context named as the server\'s own', { deadlineMs: 90_000 });

let b: BrowserApp | undefined;
test.after(async () => {
  await b?.close();
});

test("a terminal of the embed's pod, its context named, opens in the embed", async () => {
  b = await startBrowserApp();
  const { page } = b;
  await page.goto(b.openUrl);
  await page.getByRole('heading', { name: /Pods/ }).waitFor();
  // a shell opened with the server's own context named, as after a pick in the Context picker
  const opened = await page.evaluate(async () => {
    const info = await (await fetch('/api/v1/info')).json();
    const answer = await fetch('/api/v1/exec', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ context: info.context, namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'auto' }, interactive: true }),
    });
    return { status: answer.status, context: info.context as string };
  });
  assert.is(opened.status, 201, `the exec started (context ${opened.context})`);

  await page.goto(new URL('/embed?namespace=default&pod=web', b.app.url).href);
  await waitForText(page.locator('[role=tab][aria-label="nginx: shell"] .badge'), /^live$/);
  await page.getByRole('link', { name: 'All terminals' }).click();
  const row = page.getByRole('table', { name: 'Terminals' }).locator('tbody tr').filter({ hasText: 'nginx' });
  await waitForText(row, /nginx/);
  assert.is(await row.getByRole('link', { name: /in a new window$/ }).count(), 0, 'not sent to a new window');
  await row.getByRole('button', { name: /^Open / }).click();
  await waitForText(page.locator('[role=tab][aria-label="nginx: shell"] .badge'), /^live$/);
  assert.match(page.url(), /\/embed\?.*pod=web/, "still in the embed");
  assert.equal(b.problems, []);
});

test.run();
