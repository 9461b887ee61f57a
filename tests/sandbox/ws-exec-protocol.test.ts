// The WebSocket channel protocol at the frame level: what kubectl and client-node rely on but
// do not show (subprotocol choice, first empty frame, status frame and close code, v5 stdin
// EOF, resize parsing, pings, payload limit), and refusals that must start nothing.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import WebSocket from 'ws';
import { apiRequest, startTestSandbox, groupAlive } from '../support/sandbox.ts';
import { waitFor, withTimeout } from '../support/wait.ts';
import { execPath, openExec, runExec } from '../support/sandbox-exec-client.ts';
import { MAX_PAYLOAD_BYTES } from '../../src/sandbox/transports/websocket-transport.ts';

const sandbox = await startTestSandbox();
test.after(() => sandbox.close());
const nginx = { pod: 'web', container: 'nginx' };

test('v5 is chosen over v4; the first frame is an empty stdout frame; success closes 1000', async () => {
  const session = await openExec(sandbox, { ...nginx, command: ['echo', 'hi'] }, ['v4.channel.k8s.io', 'v5.channel.k8s.io']);
  assert.is(session.protocol, 'v5.channel.k8s.io');
  const { code } = await session.closed;
  assert.is(code, 1000);
  assert.equal(session.frames[0], { channel: 1, data: Buffer.alloc(0) });
  assert.is(session.stdout(), 'hi\n');
  assert.equal(session.status(), { metadata: {}, status: 'Success' });
  assert.is(session.frames.filter((f) => f.channel === 3).length, 1);
});

test('v4 alone is served, exit codes included', async () => {
  const session = await openExec(sandbox, { ...nginx, command: ['sh', '-c', 'exit 42'] }, ['v4.channel.k8s.io']);
  assert.is(session.protocol, 'v4.channel.k8s.io');
  await session.closed;
  const status = session.status() as { reason: string; message: string; details: { causes: { reason: string; message: string }[] } };
  assert.is(status.reason, 'NonZeroExitCode');
  assert.equal(status.details.causes, [{ reason: 'ExitCode', message: '42' }]);
  assert.match(status.message, 'command terminated with non-zero exit code: error executing command [sh -c exit 42], exit code 42');
});

test('an unsupported subprotocol is refused with 400 before any process starts', async () => {
  const before = sandbox.execCount();
  const error = await openExec(sandbox, { ...nginx, command: ['true'] }, ['v3.channel.k8s.io', 'channel.k8s.io']).then(
    () => undefined,
    (e: { status: number; body: string }) => e,
  );
  assert.is(error?.status, 400);
  assert.is(JSON.parse(error!.body).kind, 'Status');
  assert.is(sandbox.execCount(), before);
});

// SPDY itself is served (tests/spdy-exec); an upgrade it cannot serve is refused the same way.
test('a SPDY upgrade offering neither v5 nor v4 gets a 400 Status and starts nothing', async () => {
  const before = sandbox.execCount();
  const result = await apiRequest(sandbox, execPath({ ...nginx, command: ['true'] }), {
    method: 'POST',
    headers: { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'v3.channel.k8s.io' },
  }).catch((e: Error) => ({ status: 0, body: e.message, headers: {} }));
  assert.is(result.status, 400);
  assert.match(JSON.parse(result.body).message, 'unable to negotiate protocol');
  assert.is(sandbox.execCount(), before);
});

test('v5 stdin EOF (ff 00) closes the process stdin; stderr stays on channel 2', async () => {
  const session = await runExec(sandbox, { ...nginx, command: ['sh', '-c', 'wc -c; echo oops >&2'], stdin: true }, 'hello');
  assert.is(session.stdout().trim(), '5');
  assert.is(session.stderr(), 'oops\n');
  assert.is(session.closeCode, 1000);
});

test('a process killed by a signal reports 128+S', async () => {
  const session = await runExec(sandbox, { ...nginx, command: ['sh', '-c', 'kill -TERM $$'] });
  assert.equal((session.status() as { details: { causes: { message: string }[] } }).details.causes[0].message, '143');
});

test('resize: keys in any case, values clamped, malformed messages ignored', async () => {
  const session = await openExec(sandbox, { ...nginx, command: ['sh', '-c', 'read a; stty size; read b; stty size; read c; stty size'], stdin: true, tty: true, stderr: false });
  session.send(4, '{"height":30,"width":100}');
  const size = async (expected: string) => waitFor(() => session.stdout().includes(expected), `stty size ${expected}`, 10_000);
  session.send(0, '\r');
  await size('30 100');
  session.send(4, 'not json');
  session.send(4, '{"Width":-5,"Height":"x"}');
  session.send(4, '{"WIDTH":100000,"HEIGHT":0}\n');
  session.send(0, '\r');
  await size('1 1000');
  session.send(4, '{"Width":90,"Height":20}\n');
  session.send(0, '\r');
  await size('20 90');
  await session.closed;
  assert.equal(session.status(), { metadata: {}, status: 'Success' });
});

test('pings are answered', async () => {
  const session = await openExec(sandbox, { ...nginx, command: ['sleep', '5'] });
  const pong = new Promise<string>((resolve) => session.ws.once('pong', (data) => resolve(data.toString())));
  session.ws.ping('are-you-there');
  assert.is(await withTimeout(pong, 5000, 'pong'), 'are-you-there');
  session.ws.terminate();
});

test('a frame over maxPayload closes the socket with 1009 and ends the exec', async () => {
  const before = sandbox.liveProcessGroups();
  const session = await openExec(sandbox, { ...nginx, command: ['cat'], stdin: true });
  let pgid: number | undefined;
  await waitFor(() => (pgid = sandbox.liveProcessGroups().find((g) => !before.includes(g))) !== undefined, 'cat to start', 10_000);
  session.send(0, Buffer.alloc(MAX_PAYLOAD_BYTES + 10));
  const { code } = await withTimeout(session.closed, 10_000, 'the close');
  assert.is(code, 1009);
  await waitFor(() => !groupAlive(pgid!), 'cat to end', 10_000);
});

test('an upgrade without the token gets 401 and starts nothing', async () => {
  const before = sandbox.execCount();
  const ws = new WebSocket(`${sandbox.server.replace('https', 'wss')}${execPath({ ...nginx, command: ['true'] })}`, ['v5.channel.k8s.io'], { ca: sandbox.caPem });
  const status = await new Promise<number>((resolve) => {
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('open', () => resolve(101));
  });
  assert.is(status, 401);
  assert.is(sandbox.execCount(), before);
});

test('exec refusals: missing command, unknown container, bad container name, no container for a two-container pod', async () => {
  const refusal = (q: Parameters<typeof openExec>[1]) =>
    openExec(sandbox, q).then(
      () => ({ status: 101, body: '' }),
      (e: { status: number; body: string }) => e,
    );
  assert.is((await refusal({ ...nginx, command: [] })).status, 400);
  assert.match((await refusal({ pod: 'web', container: 'nope', command: ['true'] })).body, 'container nope is not valid for pod web');
  assert.is((await refusal({ pod: 'web', container: 'Bad_Name', command: ['true'] })).status, 400);
  assert.match((await refusal({ pod: 'web', command: ['true'] })).body, 'a container name must be specified for pod web, choose one of: [sidecar nginx]');
  assert.is((await refusal({ pod: 'no-such-pod', command: ['true'] })).status, 404);
});

test('a host binary outside the image is unreachable by name and by absolute path', async () => {
  const byName = await runExec(sandbox, { ...nginx, command: ['python3'] });
  assert.match(String(byName.status()?.message), 'exec: "python3": executable file not found in $PATH');
  const byPath = await runExec(sandbox, { pod: 'distroless-app', container: 'app', command: ['/usr/bin/cat', '/etc/hostname'] });
  assert.match(String(byPath.status()?.message), 'exec: "/usr/bin/cat": stat /usr/bin/cat: no such file or directory');
  const imagePath = await runExec(sandbox, { pod: 'web', container: 'sidecar', command: ['/bin/sh', '-c', 'echo via-bin-sh'] });
  assert.is(imagePath.stdout(), 'via-bin-sh\n');
});

test.run();
