// The front door (SECURITY.md items 1–5, 7): token, cookie, Host and Origin checks, names
// refused before any cluster call, and the headers every answer carries.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localCookieName } from '../../src/server/security.ts';
import { call, startTestApp, tryUpgrade } from './support.ts';
import { rawExchange } from '../support/raw-http.ts';

const warnings: string[] = [];
// The page from a UI folder of our own (dist/ui may or may not be built): an index, an embed page, an asset.
const ui = mkdtempSync(join(tmpdir(), 'octant-exec-ui-'));
writeFileSync(join(ui, 'index.html'), '<!doctype html><title>index page</title>');
writeFileSync(join(ui, 'embed.html'), '<!doctype html><title>embed page</title>');
mkdirSync(join(ui, 'assets'));
writeFileSync(join(ui, 'assets', 'app.js'), 'console.log(1);');
writeFileSync(join(tmpdir(), 'octant-exec-outside.txt'), 'outside');
const app = await startTestApp({ warn: (m) => warnings.push(m), embedOrigins: ['http://127.0.0.1:7777'], uiDir: ui });
test.after(async () => {
  await app.close();
  rmSync(ui, { recursive: true, force: true });
  rmSync(join(tmpdir(), 'octant-exec-outside.txt'), { force: true });
});

test('the server listens on 127.0.0.1 only, by default', () => {
  const address = app.server.address();
  assert.equal(typeof address === 'object' && address?.address, '127.0.0.1');
});

test('the token is 256 random bits, base64url', () => {
  assert.match(app.token, /^[A-Za-z0-9_-]{43}$/);
});

test('no token: 401 and no exec', async () => {
  const execsBefore = app.sandbox!.execCount();
  const list = await call(app, '/api/v1/sessions', { token: null });
  assert.is(list.status, 401);
  assert.match(list.json.error.message, /Authentication required/);
  assert.is(list.headers['www-authenticate'], 'Bearer');
  const exec = await call(app, '/api/v1/exec', { token: null, body: { namespace: 'default', pod: 'web', container: 'nginx', command: { argv: ['true'] } } });
  assert.is(exec.status, 401);
  assert.is(app.system.sessionList.order.length, 0);
  assert.is(app.sandbox!.execCount(), execsBefore);
});

test('a wrong token: 401, whether as bearer or cookie', async () => {
  assert.is((await call(app, '/api/v1/sessions', { token: 'x'.repeat(43) })).status, 401);
  assert.is((await call(app, '/api/v1/sessions', { token: null, cookie: 'octant_exec_session=nope' })).status, 401);
  assert.is((await call(app, '/api/v1/sessions', { token: app.token.slice(0, -1) })).status, 401);
});

test('the token only in a query string is refused, and never logged', async () => {
  const res = await call(app, `/api/v1/sessions?token=${app.token}`, { token: null });
  assert.is(res.status, 400);
  assert.match(res.json.error.message, /query string/);
  assert.not.ok(res.body.includes(app.token));
  // even next to valid credentials
  assert.is((await call(app, `/api/v1/sessions?access_token=${app.token}`)).status, 400);
  const login = await call(app, `/api/v1/session?token=${app.token}`, { token: null, body: { token: app.token } });
  assert.is(login.status, 400);
  assert.not.ok(warnings.some((w) => w.includes(app.token)));
});

test('the page trades the token once for an HttpOnly SameSite=Strict cookie that then works', async () => {
  const wrong = await call(app, '/api/v1/session', { token: null, body: { token: 'guess' } });
  assert.is(wrong.status, 401);
  assert.is(wrong.headers['www-authenticate'], 'Bearer', 'local mode asks for its token, as every refusal of it does (the page then offers its field)');
  assert.is(wrong.headers['set-cookie'], undefined);
  const res = await call(app, '/api/v1/session', { token: null, origin: app.origin, body: { token: app.token } });
  assert.is(res.status, 200);
  const cookie = String(res.headers['set-cookie']);
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  const pair = cookie.split(';')[0];
  const list = await call(app, '/api/v1/sessions', { token: null, cookie: pair });
  assert.is(list.status, 200);
  assert.equal(list.json.sessions, []);
});

test('a Host outside the allowlist (DNS rebinding) is refused with 403, page and API alike', async () => {
  for (const host of ['evil.example', `evil.example:${app.port}`, '127.0.0.1:1', `127.0.0.2:${app.port}`]) {
    assert.is((await call(app, '/api/v1/sessions', { host })).status, 403, host);
    assert.is((await call(app, '/', { host, token: null })).status, 403, host);
  }
  // HTTP/1.0 without any Host header
  const raw = await rawExchange(app.port, `GET /api/v1/sessions HTTP/1.0\r\nAuthorization: Bearer ${app.token}\r\n\r\n`);
  assert.match(raw, /^HTTP\/1\.1 403 /);
  for (const host of [`127.0.0.1:${app.port}`, `localhost:${app.port}`, `[::1]:${app.port}`, `LOCALHOST:${app.port}`]) {
    assert.is((await call(app, '/api/v1/sessions', { host })).status, 200, host);
  }
});

test('a foreign Host is refused before anything else is said of the request (a repeated query, a bad path)', async () => {
  for (const path of ['/?a=1&a=2', '/api/v1/sessions?x=1&x=2', '/api/v1/namespaces/%2e%2e/pods']) {
    assert.is((await call(app, path, { host: 'evil.example' })).status, 403, path);
  }
});

test('a path with a "." or ".." segment, plain or percent-encoded, is refused, not resolved (a proxy allowing paths by prefix would be passed)', async () => {
  const sent = (path: string) => rawExchange(app.port, `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${app.port}\r\nAuthorization: Bearer ${app.token}\r\nConnection: close\r\n\r\n`);
  for (const path of ['/api/v1/namespaces/restricted/pods/%2e%2e/%2e%2e/default/pods/web', '/api/v1/namespaces/default/pods/..', '/api/v1/namespaces/default/pods/%2E', '/./api/v1/sessions', '/api/v1/sessions/../info']) {
    const raw = await sent(path);
    assert.match(raw, /^HTTP\/1\.1 400 /, path);
    assert.match(raw, /segment: give it without them/, path);
  }
  assert.match(await sent('/api/v1/namespaces/default/pods/web.1'), /^HTTP\/1\.1 404 /, 'a dot inside a name is no segment of its own');
});

test('an API call from a foreign Origin is refused even with valid credentials', async () => {
  const res = await call(app, '/api/v1/exec', { origin: 'http://evil.example', body: { namespace: 'default', pod: 'web', container: 'nginx' } });
  assert.is(res.status, 403);
  assert.is(app.system.sessionList.order.length, 0);
});

test('a download (which runs tar) that a page of another site made the browser ask for is refused, with the token cookie too; none runs', async () => {
  const path = '/api/v1/files/download?namespace=default&pod=web&container=nginx&path=/etc/hostname';
  const cookie = `${localCookieName(app.token)}=${app.token}`;
  const before = app.system.auditTrail.records.length;
  for (const site of ['cross-site', 'same-site'])
    for (const method of ['GET', 'HEAD']) {
      const res = await call(app, path, { method, token: null, cookie, headers: { 'Sec-Fetch-Site': site, 'Sec-Fetch-Mode': 'no-cors' } });
      assert.is(res.status, 403, `${method} ${site}`);
    }
  assert.is(app.system.auditTrail.records.length, before, 'no transfer ran');
  // the page's own fetch, and a client that is no browser, download
  assert.is((await call(app, path, { token: null, cookie, headers: { 'Sec-Fetch-Site': 'same-origin' } })).status, 200);
  assert.is((await call(app, path)).status, 200);
});

test('socket upgrades: foreign Origin 403, no Origin 403, bad Host 403, no token 401, wrong token 401', async () => {
  assert.is((await tryUpgrade(app, { origin: 'http://evil.example' })).status, 403);
  assert.is((await tryUpgrade(app, { origin: `http://127.0.0.1:${app.port + 1}` })).status, 403);
  assert.is((await tryUpgrade(app, { origin: 'null' })).status, 403);
  assert.is((await tryUpgrade(app, { origin: null })).status, 403);
  // no browser sends these: only the exact serialized origin is the page's
  assert.is((await tryUpgrade(app, { origin: `${app.origin}/` })).status, 403);
  assert.is((await tryUpgrade(app, { origin: app.origin.toUpperCase() })).status, 403);
  assert.is((await tryUpgrade(app, { host: 'evil.example' })).status, 403);
  assert.is((await tryUpgrade(app, { token: null })).status, 401);
  assert.is((await tryUpgrade(app, { token: 'wrong' })).status, 401);
  assert.is((await tryUpgrade(app, { path: `/api/v1/stream?token=${app.token}`, token: null })).status, 400);
  assert.is(app.hub.clientCount, 0);
  // the good cases: the app's own origin and a configured embedder
  assert.is((await tryUpgrade(app)).status, 101);
  assert.is((await tryUpgrade(app, { origin: 'http://127.0.0.1:7777' })).status, 101);
  assert.is((await tryUpgrade(app, { origin: `http://localhost:${app.port}` })).status, 101);
});

test('bad names get 400 before any cluster call', async () => {
  const execsBefore = app.sandbox!.execCount();
  const bad = ['a/b', '..', 'with space', 'Upper', 'x'.repeat(254), '', 'web;rm'];
  for (const pod of bad) {
    const res = await call(app, '/api/v1/exec', { body: { namespace: 'default', pod, container: 'nginx', command: { argv: ['true'] } } });
    assert.is(res.status, 400, pod);
    assert.ok(res.json.error.message.length > 10);
  }
  for (const namespace of ['kube/system', '..', 'A']) {
    assert.is((await call(app, '/api/v1/exec', { body: { namespace, pod: 'web', container: 'nginx' } })).status, 400, namespace);
  }
  for (const container of ['ngin x', '../x', 'NGINX']) {
    assert.is((await call(app, '/api/v1/exec', { body: { namespace: 'default', pod: 'web', containers: [container] } })).status, 400, container);
  }
  assert.is((await call(app, `/api/v1/namespaces/${encodeURIComponent('a/b')}/pods`)).status, 400);
  assert.is((await call(app, '/api/v1/namespaces/default/pods/..%2Fsecret')).status, 400);
  assert.is((await call(app, '/api/v1/namespaces/Default/pods')).status, 400);
  assert.is(app.sandbox!.execCount(), execsBefore);
  assert.is(app.system.sessionList.order.length, 0);
});

test('exec bodies are checked strictly', async () => {
  const base = { namespace: 'default', pod: 'web', container: 'nginx' };
  const cases: [unknown, number][] = [
    [{ ...base, extra: 1 }, 400],
    [{ ...base, command: 'ls; rm -rf /' }, 400],
    [{ ...base, command: { argv: [] } }, 400],
    [{ ...base, command: { argv: ['ls', 3] } }, 400],
    [{ ...base, command: { shell: 'powershell' } }, 400],
    [{ ...base, interactive: 'yes' }, 400],
    [{ ...base, idleTimeoutSeconds: -1 }, 400],
    [[base], 400],
    ['not json', 400],
  ];
  for (const [body, status] of cases) assert.is((await call(app, '/api/v1/exec', { body })).status, status, JSON.stringify(body));
  assert.is((await call(app, '/api/v1/exec', { body: base, contentType: 'text/plain' })).status, 415);
  // read as what it says it is, or refused: another charset, or a compressed body, is not parsed as plain UTF-8
  assert.is((await call(app, '/api/v1/exec', { body: base, contentType: 'application/json; charset=utf-16' })).status, 415);
  assert.is((await call(app, '/api/v1/exec', { body: base, headers: { 'Content-Encoding': 'gzip' } })).status, 415);
  assert.is((await call(app, '/api/v1/exec', { body: 'not json', contentType: 'application/json; charset=UTF-8' })).status, 400, 'UTF-8 named is fine');
  assert.is((await call(app, '/api/v1/exec', { body: 'x'.repeat(70_000) })).status, 413);
  assert.is(app.system.sessionList.order.length, 0);
});

test('a query that gives a parameter twice is refused, not read as its first; limit=0 is no page size, and past 1000 none either', async () => {
  const twice = await call(app, '/api/v1/files/download?namespace=default&pod=web&container=nginx&path=/etc/passwd&path=/etc/hostname');
  assert.is(twice.status, 400);
  assert.match(twice.json.error.message, 'The query gives "path" more than once: give it once.');
  assert.is((await call(app, '/api/v1/events?limit=0')).status, 400);
  assert.is((await call(app, '/api/v1/events?limit=1')).status, 200);
  assert.is((await call(app, '/api/v1/events?limit=1000')).status, 200);
  const over = await call(app, '/api/v1/events?limit=1001');
  assert.equal([over.status, over.json.error.message], [400, 'limit must be from 1 to 1000.'], 'past the bound is refused too, not cut down unsaid');
});

test('headers: CSP, nosniff, no-store on the API, no CORS; frames only /embed for configured embedders', async () => {
  const api = await call(app, '/api/v1/sessions', { origin: app.origin });
  assert.is(api.headers['cache-control'], 'no-store');
  assert.is(api.headers['x-content-type-options'], 'nosniff');
  assert.match(String(api.headers['content-security-policy']), /default-src 'self'/);
  assert.is(api.headers['access-control-allow-origin'], undefined);
  const page = await call(app, '/', { token: null });
  assert.is(page.status, 200);
  assert.match(page.body, /index page/);
  assert.match(String(page.headers['content-security-policy']), /frame-ancestors 'none'/);
  assert.is(page.headers['x-frame-options'], 'DENY');
  const embed = await call(app, '/embed', { token: null });
  assert.match(embed.body, /embed page/);
  assert.match(String(embed.headers['content-security-policy']), /frame-ancestors http:\/\/127\.0\.0\.1:7777(;|$)/);
  assert.is(embed.headers['x-frame-options'], undefined);
  // WebAssembly only where a recording can be played: the app's pages, never the API, a share link's page or the embed
  assert.match(String(page.headers['content-security-policy']), /script-src 'self' 'wasm-unsafe-eval';/);
  for (const [path, res] of [['/embed', embed], ['/share', await call(app, '/share', { token: null })], ['/api/v1/sessions', api]] as const) {
    assert.match(String(res.headers['content-security-policy']), /script-src 'self';/, path);
  }
});

test('static files: served from the UI folder only, with their types; a missing build gets a placeholder', async () => {
  const asset = await call(app, '/assets/app.js', { token: null });
  assert.is(asset.status, 200);
  assert.match(String(asset.headers['content-type']), /^text\/javascript/);
  assert.is(asset.headers['x-content-type-options'], 'nosniff');
  // a ".." segment is refused as such (400); one hidden in a segment (..%2F..) finds no file
  for (const [path, status] of [['/../octant-exec-outside.txt', 400], ['/assets/..%2F..%2Foctant-exec-outside.txt', 404], ['/%2e%2e/octant-exec-outside.txt', 400], ['/assets', 404], ['/assets/%00', 404]] as const) {
    const res = await call(app, path, { token: null });
    assert.is(res.status, status, path);
    assert.not.match(res.body, /outside/);
  }
  assert.is((await call(app, '/assets/app.js', { token: null, method: 'POST', body: {} })).status, 405);
  const bare = await startTestApp({ uiDir: join(ui, 'no-such-build') });
  try {
    const page = await call(bare, '/', { token: null });
    assert.is(page.status, 200);
    assert.match(page.body, /not built/);
    assert.is((await call(bare, '/info', { token: null })).status, 404);
  } finally {
    await bare.close();
  }
});

test('unknown paths: 404 with a JSON body; a preflight gets no CORS answer', async () => {
  const page = await call(app, '/no/such/page', { token: null });
  assert.is(page.status, 404);
  assert.is(page.json.error.status, 404);
  const api = await call(app, '/api/v1/nothing');
  assert.is(api.status, 404);
  assert.not.match(api.body, /at .*\.ts/); // no stack trace
  const preflight = await call(app, '/api/v1/exec', { method: 'OPTIONS', origin: 'http://evil.example', headers: { 'Access-Control-Request-Method': 'POST' } });
  assert.is(preflight.status, 403);
  assert.is(preflight.headers['access-control-allow-origin'], undefined);
  assert.is((await call(app, '/api/v1/sessions', { method: 'DELETE' })).status, 405);
});

test('GET /permissions in local mode: allowed without asking the cluster; the namespace checked as a name', async () => {
  const ok = await call(app, '/api/v1/permissions?namespace=default');
  assert.is(ok.status, 200);
  assert.equal([ok.json.namespace, ok.json.exec.allowed], ['default', true]);
  assert.is((await call(app, '/api/v1/permissions')).status, 400);
  const bad = await call(app, '/api/v1/permissions?namespace=..%2Fx');
  assert.is(bad.status, 400);
  assert.match(bad.json.error.message, 'namespace');
});

test.run();
