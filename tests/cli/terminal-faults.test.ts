// `octant-exec exec` against a server that misbehaves, a stand-in that speaks just enough of the
// API and the socket: a socket that drops mid-session, frames that are not the protocol, another
// protocol version. Each ends the command with exit 1 and a sentence that says what happened,
// the terminal restored, and a session that was started closed on the way out.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { encodeFrame, FrameKind } from '../../src/protocol/index.ts';
import { cliArgv, runCli } from '../support/cli.ts';
import { requireTool, TMUX } from '../support/sandbox.ts';
import { startTmux } from '../support/tmux.ts';

requireTool(TMUX);

/** What the socket does once attached, by the pod's name. */
const behaviours: Record<string, (ws: WebSocket) => void> = {
  drop: (ws) => {
    ws.send(encodeFrame(FrameKind.Stdout, 't1', new TextEncoder().encode('partial-output\n')));
    setTimeout(() => ws.terminate(), 200);
  },
  'bad-frame': (ws) => ws.send(new Uint8Array([0x7f, 2, 0x74, 0x31, 0x41])),
  'bad-text': (ws) => ws.send('{"type": "session", '),
};

const closed: string[] = [];
let pod = '';
/** the protocol version the stand-in says hello with */
let protocol = 1;
const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
  let body = '';
  for await (const chunk of req) body += chunk;
  const answer = (value: unknown) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(value));
  const url = new URL(req.url!, 'http://x');
  const podPath = /^\/api\/v1\/namespaces\/default\/pods\/([a-z-]+)$/.exec(url.pathname);
  if (podPath) return answer({ pod: { name: podPath[1], namespace: 'default', defaultContainer: 'main', containers: [{ name: 'main' }] } });
  if (url.pathname === '/api/v1/exec') {
    pod = JSON.parse(body).pod;
    return answer({ requestId: 'r1', sessionIds: ['t1'], containers: ['main'] });
  }
  if (url.pathname === '/api/v1/sessions/t1/close') {
    closed.push(pod);
    return answer({ sessionId: 't1', closed: true });
  }
  res.writeHead(404).end();
});
/** when set, the socket's upgrade is refused (403), as a server that does not take the token would */
let refuseUpgrade = false;
const sockets = new WebSocketServer({ server, path: '/api/v1/stream', verifyClient: (_info, done) => done(!refuseUpgrade, 403) });
sockets.on('connection', (ws) => {
  ws.send(JSON.stringify({ type: 'hello', protocol, sessions: [], alerts: [], batches: [], limits: {} }));
  ws.on('message', (data, binary) => {
    if (binary || JSON.parse(String(data)).type !== 'attach') return;
    const session = { sessionId: 't1', state: 'interactive', target: { namespace: 'default', pod, container: 'main' } };
    ws.send(JSON.stringify({ type: 'attached', sessionId: 't1', from: 0, to: 0, dropped: 0, restored: false, running: true, session }));
    behaviours[pod](ws);
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = (server.address() as { port: number }).port;
test.after(async () => {
  for (const ws of sockets.clients) ws.terminate();
  await new Promise((resolve) => server.close(resolve));
});
const env = { OCTANT_EXEC_URL: `http://127.0.0.1:${port}/`, OCTANT_EXEC_TOKEN: 'any' };

test('a socket that drops mid-session: what came is shown, the drop is said, exit 1, the session closed', async () => {
  const run = await runCli(['exec', 'drop', '--', 'cat'], 30_000, { env });
  assert.is(run.code, 1, run.stderr);
  assert.is(run.stdout, 'partial-output\n');
  assert.match(run.stderr, new RegExp(`the connection to the octant-exec server at http://127\\.0\\.0\\.1:${port} dropped`));
  assert.ok(closed.includes('drop'), 'the session was closed on the way out');
});

test('a refused socket upgrade: a sentence, exit 1, no crash', async () => {
  refuseUpgrade = true;
  try {
    const run = await runCli(['exec', 'drop', '--', 'cat'], 30_000, { env });
    assert.is(run.code, 1, run.stderr);
    assert.match(run.stderr, /refused or dropped the terminal socket: check that it runs and that the token is its own/);
    assert.not.match(run.stderr, /Unhandled|at .*\.ts:\d+/, 'no stack trace');
  } finally {
    refuseUpgrade = false;
  }
});

test('frames that are not the protocol: a sentence naming what came, exit 1', async () => {
  // one after the other: the stand-in keeps one pod's behaviour at a time
  const frame = await runCli(['exec', 'bad-frame'], 30_000, { env });
  const text = await runCli(['exec', 'bad-text'], 30_000, { env });
  assert.is(frame.code, 1, frame.stderr);
  assert.match(frame.stderr, /sent unknown binary frame kind 127, which is not the terminal protocol: is --server an octant-exec server/);
  assert.is(text.code, 1, text.stderr);
  assert.match(text.stderr, /sent a text frame that is not JSON, which is not the terminal protocol/);
});

test('a server of another protocol version: said before anything starts, exit 1', async () => {
  protocol = 2;
  try {
    const run = await runCli(['exec', 'drop'], 30_000, { env });
    assert.is(run.code, 1, run.stderr);
    assert.match(run.stderr, /the server speaks protocol 2, this client 1: use the same octant-exec version on both sides/);
  } finally {
    protocol = 1;
  }
});

test('in a terminal, a drop puts the terminal back in its mode before saying so', async () => {
  const terminal = startTmux('fault', cliArgv(['exec', 'drop']), env, { after: 'echo "EXIT=$?"; stty -a | grep -o -- "-*icanon" | sed "s/^/MODE=/";' });
  try {
    await terminal.waitFor(/partial-output[\s\S]*dropped[\s\S]*EXIT=1\nMODE=icanon/, 'the drop said, exit 1, the terminal cooked');
  } finally {
    terminal.kill();
  }
});

test.run();
