// Local mode behind an https proxy or Ingress (--public-url https://…): the cookies it sets for
// the page (the token traded once) and for a share link's browser are Secure, as the team modes'
// are, so a browser never sends them over plain http. Without an https public URL they are not
// (a Secure cookie set over http://127.0.0.1 by another browser than Chromium could be dropped).
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { call, openExec, startTestApp, type TestApp } from './support.ts';

const test = suite('cookies over https', { deadlineMs: 60_000 });

/** The Set-Cookie of the token's trade and of a share link's claim. */
async function cookies(app: TestApp): Promise<string[]> {
  const session = await call(app, '/api/v1/session', { token: null, body: { token: app.token } });
  assert.is(session.status, 200, session.body);
  const [terminal] = await openExec(app, { namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'sh' } });
  const made = await call(app, `/api/v1/sessions/${terminal}/shares`, { body: { role: 'viewer' } });
  const fragment = new URLSearchParams(/^\/share#(.*)$/.exec(made.json.link)![1]);
  const claimed = await call(app, '/api/v1/share-session', { token: null, body: { id: fragment.get('id'), secret: fragment.get('s') } });
  assert.is(claimed.status, 200, claimed.body);
  return [String(session.headers['set-cookie']), String(claimed.headers['set-cookie'])];
}

test('with an https public URL, the token and share cookies are Secure', async () => {
  const app = await startTestApp({ publicUrl: 'https://exec.example.com' });
  try {
    for (const cookie of await cookies(app)) assert.match(cookie, /; Secure$/, cookie.replace(/=[^;]*/, '=…'));
  } finally {
    await app.close();
  }
});

test('without one, they are not', async () => {
  const app = await startTestApp();
  try {
    for (const cookie of await cookies(app)) assert.not.match(cookie, /Secure/, cookie.replace(/=[^;]*/, '=…'));
  } finally {
    await app.close();
  }
});

test.run();
