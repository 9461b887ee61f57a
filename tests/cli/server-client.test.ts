// The command line's calls to a server: a server that takes the connection and says nothing ends
// the call with a sentence once the wait is over, while an answer that has begun may take its time.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { createServer as createTcpServer, type Socket } from 'node:net';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { callServer, callServerJson, ServerError, TOKEN_ADVICE } from '../../src/cli/server/server-client.ts';

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

test('an upload refused at once stops sending its body: the rest is not read from its source, nor sent', async () => {
  const WHOLE = 256 * 1024 * 1024;
  let pulled = 0;
  const source = Readable.from((function* () {
    for (; pulled < WHOLE; pulled += 65_536) yield Buffer.alloc(65_536);
  })());
  // a server that refuses at once and reads on (octant-exec's, refusing a missing pod before the body: its HTTP server drains the rest)
  let received = 0;
  let connectionClosed!: () => void;
  const closed = new Promise<void>((resolve) => (connectionClosed = resolve));
  const refusing = createTcpServer((socket) => {
    const sentence = '{"error":{"status":404,"message":"pods \\"gone\\" not found"}}';
    socket.write(`HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: ${sentence.length}\r\n\r\n${sentence}`);
    socket.on('data', (chunk: Buffer) => (received += chunk.length));
    socket.on('error', () => {});
    socket.on('close', connectionClosed);
  });
  const url = await listening(refusing);
  try {
    const error = await callServer({ url, token: 't' }, 'POST', '/api/v1/files/upload', {}, { type: 'application/x-tar', stream: source }).then(
      () => assert.unreachable('answered'),
      (e: unknown) => e,
    );
    assert.match((error as Error).message, 'pods "gone" not found');
    await Promise.race([closed, new Promise((resolve) => source.once('end', resolve))]); // stopped, or all sent
    assert.ok(pulled < WHOLE / 4, `${pulled} of ${WHOLE} bytes were read from the source`);
    assert.ok(received < WHOLE / 4, `${received} bytes reached the server`);
  } finally {
    refusing.close();
  }
});

test("a 401 gets the command line's token hint only when it is the server's own refusal (WWW-Authenticate: Bearer), not the cluster's passed on", async () => {
  const cluster401 = 'The cluster did not accept your credentials (401): they are missing, expired or invalid. Refresh your kubeconfig and check with "kubectl get pods".';
  // as octant-exec answers: its own refusal of the token says WWW-Authenticate, a cluster's 401 relayed does not
  const answering = createHttpServer((req, res) => {
    const own = req.url?.startsWith('/api/v1/info');
    res.writeHead(401, { 'Content-Type': 'application/json', ...(own ? { 'WWW-Authenticate': 'Bearer' } : {}) });
    res.end(JSON.stringify({ error: { status: 401, message: own ? 'This token is not valid: open the URL the server printed.' : cluster401 } }));
  });
  const url = await listening(answering);
  const refusal = async (path: string): Promise<ServerError> => callServerJson({ url, token: 't' }, 'GET', path).then(() => assert.unreachable('answered') as never, (e: unknown) => e as ServerError);
  try {
    const own = await refusal('/api/v1/info');
    assert.is(own.status, 401);
    assert.is(own.message, "This token is not valid: open the URL the server printed. For the command line: the token is $OCTANT_EXEC_TOKEN or --token-file, the token of the server's --json line (or of its --token-file).");
    const relayed = await refusal('/api/v1/pods');
    assert.is(relayed.status, 401);
    assert.is(relayed.message, cluster401);
  } finally {
    answering.close();
  }
});

test('wrong tokens sent too often (429, WWW-Authenticate: Bearer) get the same hint: the page\'s sentence speaks of its URL', async () => {
  const limited = createHttpServer((_req, res) => {
    res.writeHead(429, { 'Content-Type': 'application/json', 'Retry-After': '1', 'WWW-Authenticate': 'Bearer' });
    res.end(JSON.stringify({ error: { status: 429, message: 'Too many wrong tokens from your address: wait a second.' } }));
  });
  const url = await listening(limited);
  try {
    const refused = await callServerJson({ url, token: 't' }, 'GET', '/api/v1/info').then(() => assert.unreachable('answered') as never, (e: unknown) => e as ServerError);
    assert.is(refused.status, 429);
    assert.ok(refused.message.endsWith(TOKEN_ADVICE), refused.message);
  } finally {
    limited.close();
  }
});

test.run();
