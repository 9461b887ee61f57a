// The tests' nginx (tests/support/nginx.ts), proved before the replica tests lean on it: it takes
// the upstreams in turn and passes the client's Host, carries a WebSocket both ways, cuts one
// that stays quiet past the idle timeout (and not one that talks), moves to new upstreams on a
// reload, and leaves no process behind when stopped, even when it does not answer SIGTERM, nor
// when the test process ends without stopping it. As a TCP proxy, it carries bytes both ways and
// cuts a connection quiet past its idle timeout.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { createServer, request, type Server } from 'node:http';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import process from 'node:process';
import { connect, createServer as createTcpServer, type AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { startNginx, type Nginx } from '../support/nginx.ts';
import { isRunning } from '../support/process-tree.ts';
import { waitFor, withTimeout } from '../support/wait.ts';

interface Upstream {
  name: string;
  address: string;
  close(): Promise<void>;
}

/** An HTTP server that answers `NAME HOST`, and greets each WebSocket with `NAME` and answers each message with `NAME: message`. */
async function startUpstream(name: string): Promise<Upstream> {
  const server: Server = createServer((req, res) => res.end(`${name} ${req.headers.host}`));
  const sockets = new WebSocketServer({ server });
  sockets.on('connection', (socket) => {
    socket.send(name);
    socket.on('message', (data) => socket.send(`${name}: ${data}`));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    name,
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      for (const socket of sockets.clients) socket.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The body of GET `url`, on a connection of its own (so each request is a new one to nginx). */
function get(url: string): Promise<string> {
  return withTimeout(
    new Promise((resolve, reject) => {
      request(url, { agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve(body));
      })
        .on('error', reject)
        .end();
    }),
    5_000,
    `GET ${url}`,
  );
}

/** A WebSocket to nginx, open, with the messages it receives in order. */
async function openSocket(nginx: Nginx): Promise<{ socket: WebSocket; next(): Promise<string>; closed: Promise<number> }> {
  const socket = new WebSocket(`ws://127.0.0.1:${nginx.port}/`);
  const received: string[] = [];
  const waiting: ((message: string) => void)[] = [];
  socket.on('message', (data) => {
    const message = String(data);
    const waiter = waiting.shift();
    if (waiter) waiter(message);
    else received.push(message);
  });
  const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now())));
  await withTimeout(new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject)), 5_000, 'the WebSocket through nginx to open');
  const next = () => withTimeout(received.length ? Promise.resolve(received.shift()!) : new Promise<string>((resolve) => waiting.push(resolve)), 5_000, 'a message through nginx');
  return { socket, next, closed };
}

/** The folders nginx harnesses have made in the temp folder and not removed. */
const nginxFolders = () => readdirSync(tmpdir()).filter((name) => name.startsWith('octant-exec-nginx-'));

const harness = suite<{ a: Upstream; b: Upstream }>('nginx harness');

harness.before(async (context) => {
  context.a = await startUpstream('a');
  context.b = await startUpstream('b');
});

harness.after(async ({ a, b }) => {
  await a?.close();
  await b?.close();
});

harness('takes the upstreams in turn, each request to the next, with the Host the client used', async ({ a, b }) => {
  const nginx = await startNginx({ upstreams: [a.address, b.address] });
  try {
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await get(`${nginx.url}/`));
    const names = answers.map((answer) => answer.split(' ')[0]);
    assert.equal([...names.slice(0, 2)].sort(), ['a', 'b'], `both upstreams answered: ${names}`);
    assert.equal(names.slice(2), names.slice(0, 2), `in turn: ${names}`);
    for (const answer of answers) assert.is(answer.split(' ')[1], `127.0.0.1:${nginx.port}`, 'the Host nginx was reached by');
  } finally {
    await nginx.stop();
  }
});

harness('carries a WebSocket both ways: the upstream speaks first, then answers what the client sends', async ({ a }) => {
  const nginx = await startNginx({ upstreams: [a.address] });
  try {
    const { socket, next } = await openSocket(nginx);
    assert.is(await next(), 'a', 'the greeting, upstream to client');
    socket.send('hello');
    assert.is(await next(), 'a: hello', 'client to upstream, and the answer back');
    socket.close();
  } finally {
    await nginx.stop();
  }
});

harness('cuts a WebSocket quiet for the idle timeout; one that talks stays open', async ({ a }) => {
  const nginx = await startNginx({ upstreams: [a.address], idleTimeoutSeconds: 1 });
  try {
    const quiet = await openSocket(nginx);
    const talking = await openSocket(nginx);
    const opened = Date.now();
    await quiet.next();
    await talking.next();
    // the stimulus, not a wait: a message every 300 ms, well inside the timeout, until the quiet one is cut
    const chatter = setInterval(() => talking.socket.send('still here'), 300);
    const cutAt = await withTimeout(quiet.closed, 10_000, 'nginx to cut the quiet WebSocket');
    clearInterval(chatter);
    const quietFor = cutAt - opened;
    assert.ok(quietFor >= 900 && quietFor < 5_000, `cut after ${quietFor} ms of quiet (timeout 1 s)`);
    assert.is(talking.socket.readyState, WebSocket.OPEN, 'the talking one is still open');
    talking.socket.send('and now?');
    let answer = await talking.next();
    while (answer === 'a: still here') answer = await talking.next();
    assert.is(answer, 'a: and now?');
    talking.socket.close();
  } finally {
    await nginx.stop();
  }
});

harness('as a TCP proxy: bytes both ways, and a connection quiet for the idle timeout is cut', async () => {
  const echo = createTcpServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  const nginx = await startNginx({ upstreams: [`127.0.0.1:${(echo.address() as AddressInfo).port}`], protocol: 'tcp', idleTimeoutSeconds: 1 });
  try {
    const socket = connect(nginx.port, '127.0.0.1');
    const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now())));
    socket.write('hello');
    const echoed = await withTimeout(new Promise<string>((resolve) => socket.once('data', (data) => resolve(String(data)))), 5_000, 'the echo through nginx');
    const quietFrom = Date.now();
    assert.is(echoed, 'hello');
    const quietFor = (await withTimeout(closed, 10_000, 'nginx to cut the quiet connection')) - quietFrom;
    assert.ok(quietFor >= 900 && quietFor < 5_000, `cut after ${quietFor} ms of quiet (timeout 1 s)`);
  } finally {
    await nginx.stop();
    echo.close();
  }
});

harness('a reload sends new connections to the new upstreams', async ({ a, b }) => {
  const nginx = await startNginx({ upstreams: [a.address] });
  try {
    assert.is((await get(`${nginx.url}/`)).split(' ')[0], 'a');
    await nginx.reload([b.address]);
    for (let i = 0; i < 3; i++) assert.is((await get(`${nginx.url}/`)).split(' ')[0], 'b', `request ${i + 1} after the reload`);
  } finally {
    await nginx.stop();
  }
});

harness('stop ends the master and its workers and removes its folder; the port is closed', async ({ a }) => {
  const before = nginxFolders();
  const nginx = await startNginx({ upstreams: [a.address] });
  const pids = nginx.pids();
  assert.ok(pids.length >= 2, `a master and a worker: ${pids}`);
  await nginx.stop();
  assert.equal(pids.filter(isRunning), [], 'no nginx process left');
  assert.equal(nginx.pids(), []);
  assert.equal(nginxFolders(), before, 'its folder is gone');
  const refused = await get(`${nginx.url}/`).then(() => false, () => true);
  assert.ok(refused, 'nothing listens on its port');
  await nginx.stop(); // again: nothing to do
});

harness('stop kills an nginx that does not answer SIGTERM once the deadline passes', async ({ a }) => {
  const nginx = await startNginx({ upstreams: [a.address], stopDeadlineMs: 300 });
  const pids = nginx.pids();
  process.kill(pids[0], 'SIGSTOP'); // the master takes no signal but SIGKILL now
  const started = Date.now();
  await withTimeout(nginx.stop(), 5_000, 'stop');
  assert.ok(Date.now() - started >= 300, 'it waited for the deadline first');
  assert.equal(pids.filter(isRunning), [], 'the master and its worker are gone');
});

harness('a process that ends without stopping its nginx leaves no nginx process behind', async () => {
  const fixture = new URL('./fixtures/abandoned-nginx.ts', import.meta.url).pathname;
  const deno = (globalThis as { Deno?: { execPath(): string } }).Deno;
  const [file, args] = deno ? [deno.execPath(), ['run', '-A', fixture]] : [process.execPath, ['--import', 'tsx', fixture]];
  const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await withTimeout(new Promise((resolve) => child.on('close', resolve)), 30_000, 'the fixture to start nginx and exit');
  const pids = JSON.parse(output) as number[];
  assert.ok(pids.length >= 2, `the fixture's nginx had a master and a worker: ${output}`);
  // killed (SIGKILL) as the fixture exited; on a busy machine the kernel may take a moment to end them
  await waitFor(() => pids.filter(isRunning).length === 0, `the fixture's nginx processes (${pids}) to end`);
});

harness.run();
