// A server that must know its port before it binds (a replica advertising its address) starts on
// a port picked free (tests/support/free-port.ts): when another listener took that port between
// the pick and the bind, the start is tried again on another; any other failure is the test's.
import { createServer, type Server } from 'node:net';
import * as assert from 'uvu/assert';
import { test } from '../support/test.ts';
import { onFreePort } from '../support/free-port.ts';

const listen = (server: Server, port: number) =>
  new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
const close = (server: Server) => new Promise((resolve) => server.close(resolve));

test('a start refused with EADDRINUSE (the port taken after it was picked) is tried again on another port', async () => {
  const thief = createServer();
  const server = createServer();
  const tried: number[] = [];
  try {
    const port = await onFreePort(async (port) => {
      tried.push(port);
      if (tried.length === 1) await listen(thief, port); // taken meanwhile
      await listen(server, port);
      return port;
    });
    assert.is(tried.length, 2);
    assert.is.not(tried[1], tried[0]);
    assert.is(port, tried[1]);
  } finally {
    await Promise.all([close(thief), close(server)]);
  }
});

test('any other failure of the start is not tried again; a port taken every time fails after the attempts', async () => {
  let calls = 0;
  const refused = await onFreePort(async () => {
    calls++;
    throw new Error('no kubeconfig');
  }).catch((error: Error) => error.message);
  assert.is(refused, 'no kubeconfig');
  assert.is(calls, 1);
  calls = 0;
  const inUse = await onFreePort(async () => {
    calls++;
    throw Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' });
  }, 3).catch((error: NodeJS.ErrnoException) => error.code);
  assert.is(inUse, 'EADDRINUSE');
  assert.is(calls, 3);
});

test.run();
