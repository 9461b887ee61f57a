// A refused socket upgrade must let go of its connection. The server answers 403 and ends its side,
// but an upgraded connection has no server timeout of Node's: a client that never closes its own
// side (a half-open socket, as any script can hold) kept the file descriptor for good, one per
// try, with no credentials needed, and held app.close() (server.close waits for every
// connection) until the client went away.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { connect, type Socket } from 'node:net';
import { startTestApp, type TestApp } from './support.ts';
import { waitFor } from '../support/wait.ts';

const test = suite('refused upgrades', { deadlineMs: 60_000 });

const held: Socket[] = [];
let app: TestApp;
test.before(async () => {
  app = await startTestApp();
});
test.after(async () => {
  for (const socket of held) socket.destroy();
  await app.close();
});

const connections = () => new Promise<number>((resolve) => app.server.getConnections((_error, n) => resolve(n)));

/** An upgrade from a client that keeps its side open after the answer; resolves with the answer's first line. */
function halfOpenUpgrade(headers: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = Object.entries({ Host: app.host, Upgrade: 'websocket', Connection: 'Upgrade', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version': '13', ...headers }).map(([k, v]) => `${k}: ${v}\r\n`);
    const socket = connect({ port: app.port, host: '127.0.0.1', allowHalfOpen: true }, () => socket.write(`GET /api/v1/stream HTTP/1.1\r\n${lines.join('')}\r\n`));
    held.push(socket);
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk));
    socket.on('end', () => resolve(answer.split('\r\n')[0]));
    socket.on('error', reject);
  });
}

test('a refused upgrade (foreign Origin, no Origin, bad Host, no token) closes its connection even when the client keeps its side open', async () => {
  const answers = await Promise.all([
    halfOpenUpgrade({ Origin: 'http://evil.example', Authorization: `Bearer ${app.token}` }),
    halfOpenUpgrade({ Authorization: `Bearer ${app.token}` }),
    halfOpenUpgrade({ Host: 'evil.example', Origin: app.origin, Authorization: `Bearer ${app.token}` }),
    halfOpenUpgrade({ Origin: app.origin }),
  ]);
  assert.equal(answers, ['HTTP/1.1 403 Forbidden', 'HTTP/1.1 403 Forbidden', 'HTTP/1.1 403 Forbidden', 'HTTP/1.1 401 Unauthorized']);
  await waitFor(async () => (await connections()) === 0, 'the server to close the refused connections', 10_000);
});

test.run();
