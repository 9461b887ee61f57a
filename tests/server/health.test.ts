// /healthz and /readyz: no credentials, no Host check (a kubelet probes the pod's IP), one word
// each and nothing else; /readyz is 503 until the event log is open and from the moment the
// server starts closing.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleRequest, type Gate } from '../../src/server/requests.ts';
import { startTestApp } from './support.ts';
import { send } from './auth-support.ts';

test('healthz and readyz answer without credentials and whatever the Host, with one word', async () => {
  for (const auth of [undefined, { mode: 'kube-token' as const }]) {
    const app = await startTestApp(auth ? { auth } : {});
    try {
      for (const host of [app.host, '10.1.2.3:7788', 'evil.example']) {
        const health = await send(app.port, '/healthz', { headers: { Host: host } });
        assert.is(health.status, 200, host);
        assert.is(health.body, 'ok');
        assert.match(String(health.headers['content-type']), /^text\/plain/);
        assert.is(health.headers['set-cookie'], undefined);
        const ready = await send(app.port, '/readyz', { headers: { Host: host } });
        assert.is(ready.status, 200);
        assert.is(ready.body, 'ready');
      }
      const head = await send(app.port, '/readyz', { method: 'HEAD', headers: { Host: '10.1.2.3' } });
      assert.equal([head.status, head.body], [200, '']);
      assert.is((await send(app.port, '/healthz', { method: 'POST', body: '' })).status, 405);
      // the foreign Host still gets nothing else
      assert.is((await send(app.port, '/api/v1/info', { headers: { Host: '10.1.2.3:7788', Authorization: `Bearer ${app.token}` } })).status, 403);
      assert.is((await send(app.port, '/healthz?verbose=1')).body, 'ok', 'nothing more on request');
      // once closing has begun, never "ready" again (the answer is 503, or the server is gone)
      const closing = app.close();
      const after = await send(app.port, '/readyz').catch(() => undefined);
      assert.ok(after === undefined || after.status === 503, String(after?.status));
      await closing;
    } finally {
      await app.close();
    }
  }
});

test('before the system is open and while it closes: readyz 503, healthz ok, everything else told to wait', async () => {
  const gate: Gate = { readiness: 'starting' };
  const server = createServer((req, res) => void handleRequest(gate, req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  try {
    for (const readiness of ['starting', 'closing'] as const) {
      gate.readiness = readiness;
      const ready = await send(port, '/readyz', { headers: { Host: '10.0.0.9' } });
      assert.equal([ready.status, ready.body], [503, 'not ready'], readiness);
      assert.equal([(await send(port, '/healthz')).status, (await send(port, '/healthz')).body], [200, 'ok']);
    }
    gate.readiness = 'starting';
    const api = await send(port, '/api/v1/info');
    assert.is(api.status, 503);
    assert.match(api.json.error.message, /starting/);
  } finally {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
});

test.run();
