// A share link's visitor is told when the terminal is recorded (recording review 1), in a real
// Chromium: no REC banner while it is not, the banner (keystrokes included, --record-input)
// within seconds of the owner turning recording on, and gone again when it is turned off.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { otherBrowsers, PAGE_WAIT_MS, startBrowserApp, waitForText, type BrowserApp, type OtherBrowsers } from './support.ts';
import { call, openExec, sessionState, type TestApp } from '../server/support.ts';
import { waitFor } from '../support/wait.ts';

let b: BrowserApp;
let visitor: OtherBrowsers;

test.before(async () => {
  b = await startBrowserApp({ recording: { mode: 'opt-in', input: true, maxBytes: 1 << 20 } });
  visitor = otherBrowsers();
});
test.after(async () => {
  await visitor?.close();
  await b?.close();
});

test('the shared page shows the REC banner, keystrokes included, while the owner records', async () => {
  const app = Object.assign(Object.create(b.app), { host: `127.0.0.1:${b.app.port}`, origin: `http://127.0.0.1:${b.app.port}` }) as TestApp;
  const [id] = await openExec(app, { namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'sh' } });
  await waitFor(async () => (await sessionState(app, id))?.state === 'interactive', 'the shell to connect', PAGE_WAIT_MS);
  const made = await call(app, `/api/v1/sessions/${id}/shares`, { body: { role: 'participant' } });
  assert.is(made.status, 201, made.body);
  const page = await (await visitor.newContext()).newPage();
  page.setDefaultTimeout(PAGE_WAIT_MS);
  await page.goto(new URL(made.json.link, `http://127.0.0.1:${b.app.port}`).href);
  await waitForText(page.getByTestId('shared-banner'), /as a participant/);
  assert.is(await page.getByTestId('shared-recording').count(), 0, 'not recorded: no banner');

  assert.is((await call(app, `/api/v1/sessions/${id}/recording`, { body: { on: true } })).status, 200);
  await waitForText(page.getByTestId('shared-recording'), /REC \+ keys.*keystrokes/);
  assert.is((await call(app, `/api/v1/sessions/${id}/recording`, { body: { on: false } })).status, 200);
  await page.getByTestId('shared-recording').waitFor({ state: 'detached' });
  assert.equal(b.problems, []);
});

test.run();
