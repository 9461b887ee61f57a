// The command line's calls to a server: a server that takes the connection and says nothing ends
// the call with a sentence once the wait is over, while an answer that has begun may take its time.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { createServer as createTcpServer, type Socket } from 'node:net';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { callServerJson, ServerError } from '../../src/cli/server/server-client.ts';

const listening = async <S extends { listen(port: number, host: string, done: () => void): unknown; address(): unknown }>(server: S) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
};

test('a server that says nothing: the call ends with a sentence once the wait is over', async () => {
  const sockets: Socket[] = [];
  const silent = createTcpServer((socket) => void sockets.push(socket)); // takes the connection, never answers
  const url = await listening(silent);
  try {
    const error = await callServerJson({ url, token: 't', answerWaitMs: 1000 }, 'GET', '/api/v1/info').then(
      () => assert.unreachable('answered'),
      (e: unknown) => e,
    );
    assert.instance(error, ServerError);
    assert.match((error as Error).message, `the server at ${url.origin} took the connection and has said nothing for 1 s`);
  } finally {
    for (const socket of sockets) socket.destroy();
    silent.close();
  }
});

test('a call with a JSON body (POST /exec) is bounded by the wait too', async () => {
  const sockets: Socket[] = [];
  const silent = createTcpServer((socket) => void sockets.push(socket));
  const url = await listening(silent);
  try {
    const error = await callServerJson({ url, token: 't', answerWaitMs: 1000 }, 'POST', '/api/v1/exec', {}, { namespace: 'default' }).then(
      () => assert.unreachable('answered'),
      (e: unknown) => e,
    );
    assert.match((error as Error).message, 'has said nothing for 1 s');
  } finally {
    for (const socket of sockets) socket.destroy();
    silent.close();
  }
});

test('an answer that has begun is not cut by the wait, however slowly it comes', async () => {
  const slow: Server = createHttpServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.write('{"version":');
    setTimeout(() => res.end('"1"}'), 1500);
  });
  const url = await listening(slow);
  try {
    assert.equal(await callServerJson({ url, token: 't', answerWaitMs: 1000 }, 'GET', '/api/v1/info'), { version: '1' });
  } finally {
    slow.close();
  }
});

test.run();
