// `octant-exec` as a user runs it: flags, the ready line, and SIGTERM ending every exec and
// every sandbox process.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { FileStore } from '../../src/events/file-store.ts';
import type { LogEntry } from '../../src/events/log-entry.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { StreamClient, call, openExec, startTestApp, type TestApp } from '../server/support.ts';
import { waitFor, withTimeout } from '../support/wait.ts';
import { spawnSync } from 'node:child_process';
import { startCli, type Cli } from '../support/cli.ts';
import { killAndRemove } from '../support/killed-state-dir.ts';
import { parseFlags } from '../../src/cli/flags.ts';
import { serveOptions } from '../../src/cli/serve/serve-options.ts';
import { serveSpec } from '../../src/cli/serve/serve-spec.ts';

const deno = (globalThis as { Deno?: unknown }).Deno;
/** Digits of this run's own for sleep durations, which tests find their processes by. */
const unique = `${process.pid}${Date.now() % 1000}`;
const scratch = mkdtempSync(join(tmpdir(), 'octant-exec-cli-'));

/** The serve command (the default) in its own process; one a failed test left running is killed after the file. */
const started: Cli[] = [];
const runCli = (args: string[], pathPrefix?: string): Cli => {
  const cli = startCli(args, { pathPrefix });
  started.push(cli);
  return cli;
};
test.after(() => killAndRemove(started, scratch));

/**
 * The signal, then a clean exit 0 after the shutdown; after SIGHUP (its terminal closed), death by
 * SIGHUP once stopped (stop-signal.ts: stoppedBy). Deno's node:child_process reports a child it
 * signalled as killed by the signal (code null) even when the child handled it and exited 0, so
 * there the line the CLI prints after its shutdown completed is the evidence.
 */
async function stopWithSignal(cli: Cli, signal: 'SIGTERM' | 'SIGHUP' = 'SIGTERM'): Promise<void> {
  cli.child.kill(signal);
  const code = await withTimeout(cli.exit, 20_000, 'the CLI to stop');
  await new Promise((r) => setImmediate(r));
  assert.match(cli.stderr(), new RegExp(`octant-exec: stopped \\(${signal}\\); every terminal ended\n$`), cli.stderr());
  if (!deno) assert.equal([code, cli.signal()], signal === 'SIGHUP' ? [null, 'SIGHUP'] : [0, null]);
}

async function finished(args: string[]): Promise<{ code: number | null; stdout: string[]; stderr: string }> {
  const cli = runCli(args);
  const code = await withTimeout(cli.exit, 30_000, `octant-exec ${args.join(' ')}`);
  await new Promise((r) => setImmediate(r));
  return { code, stdout: cli.stdout, stderr: cli.stderr() };
}

test('--help explains the flags and exits 0', async () => {
  const { code, stdout } = await finished(['--help']);
  assert.is(code, 0);
  const text = stdout.join('\n');
  for (const flag of ['--port', '--host', '--allow-remote', '--kubeconfig', '--context', '--sandbox', '--idle-timeout', '--state-dir', '--max-sessions', '--embed-origin', '--open', '--json', '--retain', '--retain-audit', '--snapshot-every', '--snapshot-interval', '--keepalive', '--record', '--record-input', '--record-max-bytes', '--record-min-free']) assert.ok(text.includes(flag), flag);
});

test('unknown flags and bad values: one line on stderr, exit 2', async () => {
  for (const args of [['--bogus'], ['--port', 'abc'], ['--host', '0.0.0.0'], ['--record', 'never']]) {
    const { code, stderr, stdout } = await finished(args);
    assert.is(code, 2, args.join(' '));
    assert.is(stderr.trim().split('\n').length, 1, `${args.join(' ')}: ${stderr}`);
    assert.match(stderr, /^octant-exec: .* \(see octant-exec --help\)$/m);
    assert.equal(stdout, []);
  }
});

const parseServeArgs = (args: string[], env: Record<string, string | undefined>) => serveOptions(parseFlags(serveSpec, args).values, env);

test('every bad value is refused by the parser with a one-line reason', () => {
  const cases = [['--port', '70000'], ['--idle-timeout', '0'], ['--max-sessions', '-1'], ['--embed-origin', 'javascript:alert(1)'], ['--state-dir'], ['--json=yes'], ['--sandbox', '--kubeconfig', 'x'], ['--allow-host', 'a b'], ['--retain', '-1'], ['--retain', 'forever'], ['--retain-audit', '1.5'], ['--snapshot-every', '5'], ['--snapshot-interval', '0'], ['--keepalive', '0'], ['--keepalive', '31'], ['--keepalive', '0.5'], ['--record', 'sometimes'], ['--record', ''], ['--record-max-bytes', '100'], ['--record-max-bytes', '64MiB'], ['--record-max-bytes', '99999999999'], ['--record-input=yes'], ['--record-min-free', '-1'], ['--record-min-free', '1GiB'], ['--ended-scrollback', '-1'], ['--ended-scrollback', '256MiB']];
  for (const args of cases) {
    assert.throws(() => parseServeArgs(args, {}), (e: Error) => !e.message.includes('\n') && e.message.length > 10, args.join(' '));
  }
  const ok = parseServeArgs(['--host=0.0.0.0', '--allow-remote', '--embed-origin', 'http://127.0.0.1:7777/x', '--embed-origin', 'https://octant.example'], { XDG_STATE_HOME: '/s' });
  assert.equal(ok.options.embedOrigins, ['http://127.0.0.1:7777', 'https://octant.example']);
  assert.is(ok.options.stateDir, '/s/octant-exec');
  assert.is(parseServeArgs([], { HOME: '/h' }).options.stateDir, '/h/.local/state/octant-exec');
  const log = parseServeArgs(['--retain', '0', '--retain-audit=365', '--snapshot-every', '500', '--snapshot-interval', '60'], {}).options.log;
  assert.equal(log, { retention: { days: 0, auditDays: 365 }, snapshots: { everyEntries: 500, everyMs: 60_000 } });
  assert.is(parseServeArgs(['--keepalive', '20'], {}).options.keepaliveMs, 20_000);
  assert.is(parseServeArgs([], {}).options.keepaliveMs, undefined, "without it, each hop's own default");
  assert.equal(parseServeArgs(['--record', 'all', '--record-input', '--record-max-bytes', '1048576'], {}).options.recording, { mode: 'all', input: true, maxBytes: 1_048_576 });
  assert.equal(parseServeArgs([], {}).options.recording, {}, "without them, the server's defaults");
  assert.is(parseServeArgs(['--record-min-free', '0'], {}).options.recordMinFreeBytes, 0);
  assert.is(parseServeArgs([], {}).options.recordMinFreeBytes, undefined, "without it, the server's default");
  assert.equal(parseServeArgs(['--ended-scrollback', '0', '--scrollback', '4096'], {}).options.hub, { scrollbackBytes: 4096, endedScrollbackBytes: 0 });
  assert.equal(parseServeArgs([], {}).options.hub, {}, "without them, the server's defaults");
});

test('the ready line carries the URL with its token; the URL works; SIGTERM exits 0', async () => {
  const stateDir = join(scratch, 'state-text');
  const cli = runCli(['--sandbox', '--port', '0', '--state-dir', stateDir, '--idle-timeout', '60']);
  const readyLine = () => cli.stdout.map((l) => /^octant-exec: open (http:\/\/127\.0\.0\.1:(\d+)\/)#token=([A-Za-z0-9_-]{43})$/.exec(l)).find((m) => m !== null);
  await waitFor(() => readyLine() !== undefined || cli.child.exitCode !== null, 'the ready line', 60_000);
  const url = readyLine();
  assert.ok(url, `stdout: ${cli.stdout.join('\n')}\nstderr: ${cli.stderr()}`);
  const [, , port, token] = url!;
  assert.ok(cli.stdout.some((l) => /^octant-exec: cluster: the built-in sandbox at https:\/\/127\.0\.0\.1:\d+ \(--sandbox\)/.test(l)), cli.stdout.join('\n'));
  const app = { port: Number(port), token, host: `127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}` } as unknown as TestApp;
  assert.is((await call(app, '/', { token: null })).status, 200);
  const login = await call(app, '/api/v1/session', { token: null, body: { token } });
  assert.is(login.status, 200);
  assert.is((await call(app, '/api/v1/info')).json.cluster, 'sandbox');
  assert.not.ok(cli.stderr().includes(token));
  await stopWithSignal(cli);
});

test('with --token-file the ready line names the file, never the token (it outlives the launch, and stdout is a log); the file\'s token signs in', async () => {
  const stateDir = join(scratch, 'state-token-file');
  const tokenFile = join(scratch, 'token');
  // an earlier --open launch stopped before it removed its redirect file (killed, its terminal closed)
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  writeFileSync(join(stateDir, 'open.html'), '<meta http-equiv="refresh" content="0;url=http://127.0.0.1:1/#token=left-behind">', { mode: 0o600 });
  const cli = runCli(['--sandbox', '--port', '0', '--state-dir', stateDir, '--token-file', tokenFile]);
  const readyLine = () => cli.stdout.map((l) => /^octant-exec: open (http:\/\/127\.0\.0\.1:(\d+)\/), then give its Token field the token in (.+) \(not printed: it outlives this launch\)$/.exec(l)).find((m) => m !== null);
  await waitFor(() => readyLine() !== undefined || cli.child.exitCode !== null, 'the ready line', 60_000);
  assert.ok(readyLine(), `stdout: ${cli.stdout.join('\n')}\nstderr: ${cli.stderr()}`);
  const [, , port, named] = readyLine()!;
  assert.is(named, tokenFile);
  const token = readFileSync(tokenFile, 'utf8').trim(); // made, as the flag says, since it was missing
  assert.not.ok(cli.stdout.join('\n').includes(token) || cli.stderr().includes(token), 'the token is printed nowhere');
  const app = { port: Number(port), token, host: `127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}` } as unknown as TestApp;
  assert.is((await call(app, '/api/v1/session', { token: null, body: { token } })).status, 200);
  assert.not.ok(existsSync(join(stateDir, 'open.html')), 'a redirect file an earlier launch left is removed at the start');
  await stopWithSignal(cli);
});

test('--open hands the browser a redirect file readable only by the user, never the token as an argument, and removes it at the stop', async () => {
  const bin = mkdtempSync(join(scratch, 'bin-'));
  const record = join(bin, 'opened.txt');
  // written aside and renamed: the record appears whole or not at all
  writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s' "$1" > '${record}.part' && mv '${record}.part' '${record}'\n`, { mode: 0o755 });
  const stateDir = join(scratch, 'state-open');
  const cli = runCli(['--sandbox', '--json', '--open', '--port', '0', '--state-dir', stateDir], bin);
  await waitFor(() => existsSync(record) || cli.child.exitCode !== null, 'xdg-open to be called', 60_000);
  const ready = JSON.parse(cli.stdout[0]);
  const opened = readFileSync(record, 'utf8');
  assert.is(opened, join(stateDir, 'open.html'));
  assert.not.ok(opened.includes(ready.token));
  assert.ok(readFileSync(opened, 'utf8').includes(`${ready.url}#token=${ready.token}`));
  assert.is(statSync(opened).mode & 0o777, 0o600);
  await stopWithSignal(cli);
  assert.not.ok(existsSync(opened), 'the redirect file, and the token in it, go when the server stops');
});

test('--json prints exactly one line; with no kubeconfig it picks the sandbox; SIGHUP (its terminal closed) ends every exec and sandbox process', async () => {
  const stateDir = join(scratch, 'state-json');
  const cli = runCli(['--json', '--port', '0', '--state-dir', stateDir]);
  await waitFor(() => cli.stdout.length > 0 || cli.child.exitCode !== null, 'the JSON line', 60_000);
  const ready = JSON.parse(cli.stdout[0]);
  assert.equal(Object.keys(ready).sort(), ['cluster', 'port', 'socket', 'stateDir', 'token', 'url']);
  assert.is(ready.cluster, 'sandbox');
  assert.is(ready.url, `http://127.0.0.1:${ready.port}/`);
  assert.is(ready.socket, `ws://127.0.0.1:${ready.port}/api/v1/stream`);
  assert.is(ready.stateDir, stateDir);
  assert.not.ok(cli.stderr().includes(ready.token));
  const app = { port: ready.port, token: ready.token, host: `127.0.0.1:${ready.port}`, origin: `http://127.0.0.1:${ready.port}` } as unknown as TestApp;

  // Unusual durations, so that this machine's own view of the container processes can find them
  // (this run's own: another run of the suite may be sleeping too).
  const [long, longer] = [`300.${unique}`, `301.${unique}`];
  const [id] = await openExec(app, { namespace: 'default', pod: 'web', containers: ['nginx'], command: { argv: ['sh', '-c', `echo started; sleep ${long}; echo never`] }, interactive: false });
  const [shell] = await openExec(app, { namespace: 'batch', pod: 'worker-0', containers: ['main'], command: { shell: 'sh' } });
  const tab = await StreamClient.open(app);
  await tab.attach(id);
  await tab.waitForText(id, /started\n/);
  await tab.attach(shell);
  tab.type(shell, `sleep ${longer}\r`);
  const running = (args: string) => spawnSync('pgrep', ['-f', '-x', args], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean).map(Number);
  await waitFor(() => running(`sleep ${long}`).length === 1 && running(`sleep ${longer}`).length === 1, 'both sleeps to run', 10_000);
  const pids = [...running(`sleep ${long}`), ...running(`sleep ${longer}`)];

  await stopWithSignal(cli, 'SIGHUP');
  assert.is(cli.stdout.length, 1);
  await waitFor(() => pids.every((pid) => !existsSync(`/proc/${pid}`)), `processes ${pids.join(', ')} to end`, 10_000);
  await tab.closed;
  const log = [...new FileStore(stateDir).read(0)] as (LogEntry & { sessionId?: string; reason?: string })[];
  for (const sessionId of [id, shell]) {
    assert.ok(log.some((e) => e.type === 'session.disconnected' && e.sessionId === sessionId && e.reason === 'serverShutdown'), `${sessionId} disconnected by the shutdown`);
  }
  assert.not.ok(JSON.stringify(log).includes(ready.token));
});

test('after a crash (SIGKILL) a restart on the same state dir shows the live sessions as disconnected (restarted)', async () => {
  const stateDir = join(scratch, 'state-crash');
  const cli = runCli(['--sandbox', '--json', '--port', '0', '--state-dir', stateDir]);
  await waitFor(() => cli.stdout.length > 0 || cli.child.exitCode !== null, 'the JSON line', 60_000);
  const ready = JSON.parse(cli.stdout[0]);
  const app = { port: ready.port, token: ready.token, host: `127.0.0.1:${ready.port}`, origin: `http://127.0.0.1:${ready.port}` } as unknown as TestApp;
  const [shell] = await openExec(app, { namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'sh' } });
  const tab = await StreamClient.open(app);
  await tab.attach(shell);
  tab.type(shell, `sleep 302.${unique}\r`);
  const sleeping = () => spawnSync('pgrep', ['-f', '-x', `sleep 302.${unique}`], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean).map(Number);
  await waitFor(() => sleeping().length === 1, 'the sleep in the shell to run', 10_000);
  const [sleepPid] = sleeping();
  cli.child.kill('SIGKILL');
  await withTimeout(cli.exit, 10_000, 'the CLI to die');
  await tab.closed;
  // The container's processes die with the server (its sandboxes die with their parent). Never leave one behind.
  try {
    await waitFor(() => !existsSync(`/proc/${sleepPid}`), `the orphaned sleep ${sleepPid} to end`, 10_000);
  } finally {
    if (existsSync(`/proc/${sleepPid}`)) process.kill(sleepPid, 'SIGKILL');
  }

  const again = await startTestApp({ stateDir });
  try {
    const row = (await call(again, '/api/v1/sessions')).json.sessions.find((s: { sessionId: string }) => s.sessionId === shell);
    assert.is(row.state, 'disconnected');
    assert.is(row.disconnectReason, 'restarted');
    const alerts = (await call(again, '/api/v1/alerts')).json.alerts;
    assert.ok(alerts.some((a: { sessionId: string; kind: string }) => a.sessionId === shell && a.kind === 'disconnected'));
  } finally {
    await again.close();
  }
});

test.run();
