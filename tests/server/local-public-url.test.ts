// Local mode behind an https proxy or Ingress, as `octant-exec --public-url https://…` starts it
// (docs/scaling.md: replicas sharing one --token-file behind one address). The flag was refused
// outside a team mode, so such a server allowed only its loopback and --allow-host names, over
// http: a browser at the public address could neither sign in nor open its terminal socket.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { parseFlags } from '../../src/cli/flags.ts';
import { serveOptions } from '../../src/cli/serve/serve-options.ts';
import { serveSpec } from '../../src/cli/serve/serve-spec.ts';
import { send, upgrade } from './auth-support.ts';
import { startTestApp, type TestApp } from './support.ts';

const test = suite('local mode behind an https --public-url', { deadlineMs: 60_000 });
const PUBLIC = 'https://exec.example.com';
let app: TestApp | undefined;
test.after(async () => {
  await app?.close();
});

test('the page at the public address signs in (a Secure cookie) and opens its socket; a foreign origin still may not', async () => {
  const { options } = serveOptions(parseFlags(serveSpec, ['--public-url', PUBLIC]).values, { HOME: '/h' });
  assert.is(options.auth, undefined, 'local mode');
  app = await startTestApp({ publicUrl: options.publicUrl });
  assert.is(app.url, `${PUBLIC}/`, 'the printed URL is the public one');
  const browser = { Host: 'exec.example.com', Origin: PUBLIC };

  const signIn = await send(app.port, '/api/v1/session', { headers: { ...browser, 'Content-Type': 'application/json' }, body: JSON.stringify({ token: app.token }) });
  assert.is(signIn.status, 200, signIn.body);
  assert.is(signIn.cookies.length, 1);
  assert.match(signIn.cookies[0], /; HttpOnly; SameSite=Strict; Path=\/; Secure$/, signIn.cookies[0].replace(/=[^;]*/, '=…'));
  const cookie = signIn.cookies[0].split(';')[0];

  const list = await send(app.port, '/api/v1/sessions', { headers: { ...browser, Cookie: cookie } });
  assert.is(list.status, 200, list.body);
  const socket = await upgrade(app.port, { ...browser, Cookie: cookie });
  assert.is(socket.status, 101, socket.body);

  // the public origin over plain http is another origin: not the page's, so no socket for it
  assert.is((await upgrade(app.port, { Host: 'exec.example.com', Origin: 'http://exec.example.com', Cookie: cookie })).status, 403);
  assert.is((await upgrade(app.port, { Host: 'evil.example', Origin: PUBLIC, Cookie: cookie })).status, 403, 'a Host not allowed (DNS rebinding)');
});

test.run();
