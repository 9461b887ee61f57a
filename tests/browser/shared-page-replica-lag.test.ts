// With replicas behind one address, the shared page's sign-in (POST /api/v1/share-session) and its
// next request (GET /api/v1/shared) may reach two replicas, the second not yet holding the claim
// the first just logged: it answers 401 for a moment. The page that was just given its cookie
// must ask again, not tell its person the link "is no longer valid" (a reload would have worked,
// but the link's secret has already left the address bar). Simulated here with one server: the
// first GET /shared is answered as a lagging replica answers it.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';

import { otherBrowsers, PAGE_WAIT_MS, startPageServer, waitForText, type PageServer, type OtherBrowsers } from './support.ts';
import { waitFor } from '../support/wait.ts';

const test = suite('shared page, replica lag', { deadlineMs: 90_000 });
let server: PageServer;
let browser: OtherBrowsers;

test.before(async () => {
  server = await startPageServer();
  browser = otherBrowsers();
});
test.after(async () => {
  await browser?.close();
  await server?.close();
});

async function api(path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${server.app.url.replace(/\/$/, '')}/api/v1${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { Authorization: `Bearer ${server.app.token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return res.json();
}

test('a 401 from GET /shared right after the sign-in gave the cookie is asked again, and the terminal opens', async () => {
  const started = await api('/exec', { namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'auto' } });
  const terminal: string = started.sessionIds[0];
  await waitFor(async () => (await api('/sessions')).sessions.some((s: { sessionId: string; state: string }) => s.sessionId === terminal && s.state === 'interactive'), 'the shell live', PAGE_WAIT_MS);
  const made = await api(`/sessions/${terminal}/shares`, { role: 'viewer' });
  const context = await browser.newContext();
  try {
    let lagged = 0;
    await context.route('**/api/v1/shared*', async (route) => {
      if (lagged++ > 0) return route.continue();
      await route.fulfill({ status: 401, contentType: 'application/json', body: JSON.stringify({ error: { status: 401, message: 'This share link is no longer valid here (its terminal was closed, or the server\'s state was reset): ask the owner for a new link.' } }) });
    });
    const page = await context.newPage();
    await page.goto(`${server.app.url.replace(/\/$/, '')}${made.link}`);
    await waitForText(page.locator('[data-testid=shared-banner], .shared-refused [role=alert]'), /shared this terminal|no longer valid/);
    assert.match(await page.locator('body').innerText(), /shared this terminal/, 'the terminal opened once the replica had caught up');
  } finally {
    await context.close();
  }
});

test.run();
