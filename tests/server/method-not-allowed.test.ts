// A 405 must say which methods the resource takes (RFC 9110 15.5.6: "MUST generate an Allow
// header field"); the probes did, the API and the page did not, so a client had to parse the
// sentence to learn them.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { call, startTestApp } from './support.ts';

const test = suite('405 answers', { deadlineMs: 60_000 });
const app = await startTestApp();
test.after(() => app.close());

test('an API path with a wrong method: 405 with Allow naming the methods it takes', async () => {
  const put = await call(app, '/api/v1/sessions', { method: 'PUT' });
  assert.is(put.status, 405);
  assert.is(put.headers.allow, 'GET');
  const get = await call(app, '/api/v1/files/download', { method: 'DELETE' });
  assert.is(get.status, 405);
  assert.is(get.headers.allow, 'GET, HEAD');
  const exec = await call(app, '/api/v1/exec');
  assert.is(exec.status, 405);
  assert.is(exec.headers.allow, 'POST');
  assert.match(exec.json.error.message, /use POST/);
});

test('the page with a wrong method: 405 with Allow: GET, HEAD', async () => {
  const res = await call(app, '/', { method: 'POST', token: null, body: {} });
  assert.is(res.status, 405);
  assert.is(res.headers.allow, 'GET, HEAD');
});

test('another method on a path that is neither a page nor a file: 404, as docs/api.md says', async () => {
  const res = await call(app, '/no-such-page', { method: 'POST', token: null, body: {} });
  assert.is(res.status, 404);
  assert.is(res.headers.allow, undefined);
});

test('another method on a page with a slash after it is the page\'s 405, as a GET there is its 308', async () => {
  const res = await call(app, '/sessions/', { method: 'POST', token: null, body: {} });
  assert.is(res.status, 405);
  assert.is(res.headers.allow, 'GET, HEAD');
});

test.run();
