// `octant-exec exec` against a server that misbehaves, a stand-in that speaks just enough of the
// API and the socket: a socket that drops mid-session (in a terminal reconnected, the output going
// on from the byte reached; without one, ended), frames that are not the protocol, another protocol
// version. Each end is exit 1 and a sentence that says what happened, the terminal restored, and a
// session that was started closed on the way out.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { encodeFrame, FrameKind, PROTOCOL_VERSION } from '../../src/protocol/index.ts';
import { cliArgv, runCli } from '../support/cli.ts';
import { requireTool, TMUX } from '../support/sandbox.ts';
import { startTmux } from '../support/tmux.ts';

requireTool(TMUX);

const out = (ws: WebSocket, text: string) => ws.send(encodeFrame(FrameKind.Stdout, 't1', new TextEncoder().encode(text)));
const dropSoon = (ws: WebSocket) => setTimeout(() => ws.terminate(), 200);
/** where each reattach after a drop asked to go on from */
const reattachedFrom: number[] = [];

/** What the socket does once attached (`from`: 0 the first time, the offset reached after a drop), by the pod's name. */
const behaviours: Record<string, (ws: WebSocket, from: number) => void> = {
  // drops once; attached again, the rest of the output and the end (exit 3)
  drop: (ws, from) => {
    if (from > 0) {
      reattachedFrom.push(from);
      out(ws, 'rest-output\n');
      return ws.send(JSON.stringify({ type: 'session', session: { ...sessionOf('drop'), state: 'exited', exitCode: 3 } }));
    }
    out(ws, 'partial-output\n');
    dropSoon(ws);
  },
  // drops once; attached again, its bytes since are gone: then the end
  'drop-flood': (ws, from) => {
    if (from > 0) return ws.send(JSON.stringify({ type: 'session', session: { ...sessionOf('drop-flood'), state: 'exited', exitCode: 0 } }));
    out(ws, 'partial-output\n');
    dropSoon(ws);
  },
  // drops, and the server is not reachable again
  'drop-gone': (ws) => {
    out(ws, 'partial-output\n');
    refuseUpgrade = true;
    dropSoon(ws);
  },
  // an admin's view of someone else's terminal under a flood: skipped to the screen, twice (with bytes no longer held: `dropped`)
  skipped: (ws) => {
    for (const at of [100, 200]) {
      ws.send(JSON.stringify({ type: 'attached', sessionId: 't1', from: at, to: at, dropped: 50, restored: false, running: true, session: sessionOf('skipped'), screen: 7, screenSize: { cols: 80, rows: 24 }, skipped: 40 }));
      ws.send(encodeFrame(FrameKind.Screen, 't1', new TextEncoder().encode(`screen${at / 100}`)));
    }
    out(ws, 'after\n');
    ws.send(JSON.stringify({ type: 'session', session: { ...sessionOf('skipped'), state: 'exited', exitCode: 0 } }));
  },
  'bad-frame': (ws) => ws.send(new Uint8Array([0x7f, 2, 0x74, 0x31, 0x41])),
  'bad-text': (ws) => ws.send('{"type": "session", '),
};

const closed: string[] = [];
let pod = '';
/** the protocol version the stand-in says hello with */
let protocol = PROTOCOL_VERSION;
const sessionOf = (name: string) => ({ sessionId: 't1', state: 'interactive', target: { namespace: 'default', pod: name, container: 'main' } });
const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
  let body = '';
  for await (const chunk of req) body += chunk;
  const answer = (value: unknown) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(value));
  const url = new URL(req.url!, 'http://x');
  // no -n: the namespace of the server's context
  if (url.pathname === '/api/v1/contexts') return answer({ contexts: [{ name: 'stand-in', current: true, user: 'me', server: 'https://cluster', namespace: 'default' }] });
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
    const message = binary ? undefined : JSON.parse(String(data));
    if (message?.type !== 'attach') return;
    const from = Number(message.from);
    // a reattach of 'drop-flood' finds its bytes gone and gets the screen instead (as the server answers someone not the owner)
    const lost = pod === 'drop-flood' && from > 0 ? { from: from + 5000, to: from + 5000, dropped: 5000, skipped: 0, screen: 0 } : { from, to: from, dropped: 0 };
    ws.send(JSON.stringify({ type: 'attached', sessionId: 't1', ...lost, restored: false, running: true, session: sessionOf(pod) }));
    behaviours[pod](ws, from);
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = (server.address() as { port: number }).port;
test.after(async () => {
  for (const ws of sockets.clients) ws.terminate();
  await new Promise((resolve) => server.close(resolve));
});
const env = { OCTANT_EXEC_URL: `http://127.0.0.1:${port}/`, OCTANT_EXEC_TOKEN: 'any' };

const dropped = new RegExp(`the connection to the octant-exec server at http://127\\.0\\.0\\.1:${port} dropped`);

test('without a terminal, a drop mid-session ends it: what came is shown, the drop is said, exit 1, the session closed', async () => {
  reattachedFrom.length = 0;
  const run = await runCli(['exec', 'drop', '--', 'cat'], 30_000, { env, input: 'some input' });
  assert.is(run.code, 1, run.stderr);
  assert.is(run.stdout, 'partial-output\n');
  assert.match(run.stderr, new RegExp(`${dropped.source}, and without a terminal it is not resumed: some of the piped input, or its end, may not have reached the process: the terminal \\(t1\\) is left`));
  assert.equal(reattachedFrom, [], 'not attached again');
  assert.ok(closed.includes('drop'), 'the session was closed on the way out');
});

test('OCTANT_EXEC_RECONNECT_SECONDS that is not whole seconds up to an hour: a usage error', async () => {
  const bad = await runCli(['exec', 'drop'], 30_000, { env: { ...env, OCTANT_EXEC_RECONNECT_SECONDS: 'soon' } });
  assert.is(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /OCTANT_EXEC_RECONNECT_SECONDS is whole seconds from 0 \(never reconnect\) to 3600, not "soon"/);
});

test("skipped to the screen (someone else's terminal, fallen behind): said once, not taken for a drop", async () => {
  const run = await runCli(['exec', 'skipped', '--', 'cat'], 30_000, { env });
  assert.is(run.code, 0, run.stderr);
  assert.is(run.stdout, 'screen1screen2after\n');
  assert.is(run.stderr.split('its output does not wait for you').length - 1, 1, run.stderr);
  assert.not.match(run.stderr, /while the connection was down/);
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
  protocol = PROTOCOL_VERSION + 1;
  try {
    const run = await runCli(['exec', 'drop'], 30_000, { env });
    assert.is(run.code, 1, run.stderr);
    assert.match(run.stderr, `the server speaks protocol ${PROTOCOL_VERSION + 1}, this client ${PROTOCOL_VERSION}: use the same octant-exec version on both sides`);
  } finally {
    protocol = PROTOCOL_VERSION;
  }
});

/** `octant-exec exec POD` in a real terminal (tmux); its exit status and the terminal's mode shown after it */
const inTerminal = (name: string, pod: string, extraEnv: Record<string, string> = {}) =>
  startTmux(name, cliArgv(['exec', pod]), { ...env, ...extraEnv }, { after: 'echo "EXIT=$?"; stty -a | grep -o -- "-*icanon" | sed "s/^/MODE=/";' });

test('in a terminal, a drop is reconnected: said on lines of its own, keys typed meanwhile said lost, the output going on from the byte reached, the terminal put back in its mode at the end', async () => {
  reattachedFrom.length = 0;
  const terminal = inTerminal('fault', 'drop');
  try {
    await terminal.waitFor(/partial-output\n+octant-exec exec: the connection [^\n]*dropped: reconnecting for up to 60 s [^\n]*keys typed meanwhile are lost; Ctrl-C gives up\)\n+octant-exec exec: reconnected\n+rest-output\n[\s\S]*EXIT=3\nMODE=icanon/, 'the drop said, reconnected, exit 3, the terminal cooked');
    assert.equal(reattachedFrom, ['partial-output\n'.length], 'attached again from the byte reached');
  } finally {
    terminal.kill();
  }
});

test('in a terminal, output lost during a drop is said as that, even when the reattach comes with the screen', async () => {
  const terminal = inTerminal('flood', 'drop-flood');
  try {
    await terminal.waitFor(/reconnected\n+octant-exec exec: 5000 bytes of output came while the connection was down and are no longer held by the server[\s\S]*EXIT=0/, 'the loss said');
    assert.not.match(terminal.screen(), /not yours/);
  } finally {
    terminal.kill();
  }
});

test('in a terminal, Ctrl-C while reconnecting gives up at once, said, the terminal put back in its mode', async () => {
  const terminal = inTerminal('give-up', 'drop-gone');
  try {
    await terminal.waitFor(/reconnecting for up to 60 s [^\n]*Ctrl-C gives up\)/, 'the drop said, with the way out');
    terminal.keys('C-c');
    await terminal.waitFor(/gave up reconnecting \(Ctrl-C\): the terminal \(t1\) is left to the server's idle timeout[\s\S]*EXIT=1\nMODE=icanon/, 'given up at once, exit 1, the terminal cooked');
  } finally {
    terminal.kill();
    refuseUpgrade = false;
  }
});

test('in a terminal, a server gone past OCTANT_EXEC_RECONNECT_SECONDS ends it, said; 0 never reconnects', async () => {
  const gone = inTerminal('gone', 'drop-gone', { OCTANT_EXEC_RECONNECT_SECONDS: '1' });
  try {
    await gone.waitFor(/reconnecting for up to 1 s[\s\S]*dropped and could not be reached again within 1 s: the terminal \(t1\) is left to the server's idle timeout[\s\S]*EXIT=1\nMODE=icanon/, 'gave up after 1 s');
  } finally {
    gone.kill();
    refuseUpgrade = false;
  }
  reattachedFrom.length = 0;
  const never = inTerminal('never', 'drop', { OCTANT_EXEC_RECONNECT_SECONDS: '0' });
  try {
    await never.waitFor(/dropped: the terminal \(t1\) is left[\s\S]*EXIT=1\nMODE=icanon/, 'ended at the drop');
    assert.not.match(never.screen(), /reconnecting/);
    assert.equal(reattachedFrom, []);
  } finally {
    never.kill();
  }
});

test.run();
