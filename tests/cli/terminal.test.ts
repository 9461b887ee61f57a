// `octant-exec exec`, `attach` and `debug` as a user runs them, against one server with the
// sandbox: without a terminal (stdout and stderr apart, the command's exit code, stdin piped in
// whole and its end passed on), and in a real
// terminal (tmux): a shell round trip that leaves the terminal as it was (a bare line feed from
// the remote side moves down only, as under kubectl), an attach that
// detaches and leaves the process running, a debug container that sees a distroless
// container's files, a debug copy that is gone once the terminal ends; what the server refuses
// is exit 1 with its sentence (usage errors: bad-input.test.ts).
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { createHash, randomBytes } from 'node:crypto';
import process from 'node:process';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliArgv, runCli, startCli } from '../support/cli.ts';
import { requireTool, TMUX } from '../support/sandbox.ts';
import { startTmux, type TmuxTerminal } from '../support/tmux.ts';
import { waitFor, withTimeout } from '../support/wait.ts';
import { call, startTestApp } from '../server/support.ts';
import type { PodsReply, SessionsReply } from '../../src/protocol/index.ts';

requireTool(TMUX);
const app = await startTestApp();
const terminals: TmuxTerminal[] = [];
test.after(async () => {
  for (const terminal of terminals) terminal.kill();
  await app.close();
});
const env = { OCTANT_EXEC_URL: `http://127.0.0.1:${app.port}/`, OCTANT_EXEC_TOKEN: app.token };
const cli = (...args: string[]) => runCli(args, 60_000, { env });
/** octant-exec in a terminal; once it ends, its exit status and whether the terminal is cooked again (`icanon`, not `-icanon`; `opost`) */
const inTerminal = (name: string, ...args: string[]) => {
  const terminal = startTmux(name, cliArgv(args), { ...env, HOME: app.dir }, { after: 'echo "EXIT=$?"; stty -a | grep -o -- "-*icanon" | sed "s/^/MODE=/"; stty -a | grep -o -- "-*opost" | sed "s/^/OUTPUT=/";' });
  terminals.push(terminal);
  return terminal;
};
const sessions = async () => ((await call(app, '/api/v1/sessions')).json as SessionsReply).sessions;
const podNames = async () => ((await call(app, '/api/v1/namespaces/default/pods')).json as PodsReply).pods.map((pod) => pod.name);

test('exec without a terminal: stdout and stderr apart, the exit code is the command\'s, the session is closed after', async () => {
  const run = await cli('exec', '-c', 'nginx', 'web', '--', 'sh', '-c', 'echo out-$((6*7)); echo err-$((6*8)) >&2; exit 3');
  assert.is(run.code, 3, run.stderr);
  assert.is(run.stdout, 'out-42\n');
  assert.is(run.stderr, 'err-48\n');
  assert.ok((await sessions()).every((row) => row.argv.join(' ') !== 'sh -c echo out-$((6*7)); echo err-$((6*8)) >&2; exit 3'), 'its session is closed');
  const missing = await cli('exec', 'web', '--', 'no-such-program');
  assert.is(missing.code, 1);
  assert.match(missing.stderr, /"no-such-program" was not found in container/);
  const elsewhere = await cli('exec', 'batch/worker-0', '--', 'hostname');
  assert.is(elsewhere.code, 0, elsewhere.stderr);
  assert.is(elsewhere.stdout, 'worker-0\n', 'NAMESPACE/POD, as cp takes it');
  const typed = await cli('exec', '-n', 'batch', 'pod/worker-1', '--', 'hostname');
  assert.is(typed.code, 0, typed.stderr);
  assert.is(typed.stdout, 'worker-1\n', 'pod/POD, as kubectl exec takes it, in the namespace of -n');
  // no -c in a pod of several containers: which one, said as kubectl says it
  const defaulted = await cli('exec', 'web', '--', 'true');
  assert.is(defaulted.code, 0, defaulted.stderr);
  assert.is(defaulted.stderr, 'octant-exec exec: container "nginx", the pod\'s default (it also has sidecar: choose with -c)\n');
});

test('--idle-timeout sets how long the terminal may sit with no input and no output: a quiet command past it is ended, said; out of range is a usage error', async () => {
  const quiet = await cli('exec', '--idle-timeout', '1', '-c', 'nginx', 'web', '--', 'sleep', '30');
  assert.is(quiet.code, 1, quiet.stderr);
  assert.match(quiet.stderr, /idle past its timeout/, "ended long before the sleep (the server's own timeout is 300 s)");
  const wrong = await cli('exec', '--idle-timeout', '0', 'web');
  assert.is(wrong.code, 2);
  assert.match(wrong.stderr, /--idle-timeout takes a whole number from 1 to 86400, not "0"/);
});

test('exec with a pipe: stdin reaches the command whole, and its end ends it', async () => {
  const data = randomBytes(1024 * 1024 + 7);
  const [sum, lines] = await Promise.all([
    runCli(['exec', '-c', 'nginx', 'web', '--', 'sha256sum'], 60_000, { env, input: data }),
    runCli(['exec', 'web', '--', 'wc', '-l'], 60_000, { env, input: 'a\nb\nc\n' }),
  ]);
  assert.is(sum.code, 0, sum.stderr);
  assert.is(sum.stdout, `${createHash('sha256').update(data).digest('hex')}  -\n`);
  assert.is(lines.code, 0, lines.stderr);
  assert.is(lines.stdout.trim(), '3');
  // `exec -it`, pasted into a CI job whose stdin is no terminal: run without one, said, as kubectl does
  const pasted = await runCli(['exec', '-it', '-c', 'nginx', 'web', '--', 'wc', '-l'], 60_000, { env, input: 'a\nb\n' });
  assert.is(pasted.code, 0, pasted.stderr);
  assert.is(pasted.stdout.trim(), '2');
  assert.is(pasted.stderr, 'octant-exec exec: stdin is not a terminal, so -t is left out: the command runs without one\n');
  // no command: Auto's shell, and this image has no bash. The script and its end went to bash's
  // attempt, which the runtime says is missing only once its stream is open: sh got neither, and waited
  const script = await runCli(['exec', 'alpine-tools'], 60_000, { env, input: 'echo $((6*7))\nexit 3\n' });
  assert.equal([script.code, script.stdout], [3, '42\n'], script.stderr);
});

test('exec ended by SIGTERM: said, its session closed (the command ends with it), and it dies of SIGTERM, as kubectl does', async () => {
  const run = startCli(['exec', '-c', 'nginx', 'web', '--', 'sleep', '1000'], { env });
  const running = await waitFor(async () => (await sessions()).find((row) => row.argv.join(' ') === 'sleep 1000' && row.state === 'interactive'), 'sleep 1000 running', 30_000);
  // as another process would (Deno's child.kill() reports its own signal, not how the child ended)
  process.kill(run.child.pid!, 'SIGTERM');
  // so a shell loop around it stops (an exit status of 143 would go on to the next turn)
  assert.is(await withTimeout(run.exit, 30_000, 'exec to end'), null);
  assert.is(run.signal(), 'SIGTERM');
  assert.match(run.stderr(), /SIGTERM: the terminal was ended/);
  assert.not.ok((await sessions()).some((row) => row.sessionId === running.sessionId), 'the session is closed');
});

test('Ctrl-C on a shell loop around exec stops the loop, as around kubectl exec: exec dies of SIGINT once it has cleaned up', async () => {
  const exec = cliArgv(['exec', '-c', 'nginx', 'web', '--', 'sleep', '1000']).map((word) => `'${word}'`).join(' ');
  // its own process group, which SIGINT reaches whole as a terminal's Ctrl-C does: bash, then waiting for exec, goes on to
  // the next turn unless exec died of the signal too (an exit status of 130 is not that)
  const loop = spawn('setsid', ['bash', '-c', `for turn in 1 2; do echo turn-$turn; ${exec}; done; echo loop-end`], { env: { ...process.env, ...env, HOME: app.dir }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  loop.stdout!.on('data', (chunk: Buffer) => (out += chunk));
  const ended = new Promise<NodeJS.Signals | null>((resolve) => loop.on('close', (_code, signal) => resolve(signal)));
  await waitFor(async () => (await sessions()).some((row) => row.argv.join(' ') === 'sleep 1000' && row.state === 'interactive'), 'sleep 1000 running', 30_000);
  execFileSync('kill', ['-INT', '--', `-${loop.pid}`]);
  assert.is(await withTimeout(ended, 30_000, 'the loop to end'), 'SIGINT');
  assert.is(out, 'turn-1\n', 'no second turn');
});

test('a reader that goes away (`… | head -1`): exit 141 as SIGPIPE would, quietly, and the session closed', async () => {
  const run = startCli(['exec', '-c', 'nginx', 'web', '--', 'sh', '-c', 'while :; do echo y; done'], { env });
  const running = await waitFor(async () => (await sessions()).find((row) => row.argv.at(-1) === 'while :; do echo y; done' && row.state === 'interactive'), 'the loop running', 30_000);
  await waitFor(() => run.stdout.length > 0, 'the first line');
  run.child.stdout!.destroy(); // the reader's end of the pipe closes: the next write is EPIPE
  assert.is(await withTimeout(run.exit, 30_000, 'exec to end'), 141, run.stderr());
  assert.not.match(run.stderr(), /Unhandled|EPIPE/, 'no crash, nothing said');
  await waitFor(async () => !(await sessions()).some((row) => row.sessionId === running.sessionId), 'the session closed', 15_000);
});

test('exec in a terminal: a shell with this terminal\'s size (and its next one), its exit code, and the terminal cooked again after', async () => {
  const terminal = inTerminal('exec', 'exec', '-c', 'nginx', 'web');
  await terminal.waitFor(/# $/m, 'the shell prompt');
  terminal.keys('stty size; echo shell-$((6*7))', 'Enter');
  await terminal.waitFor(/^30 100\s*\nshell-42/m, 'the size and the answer');
  terminal.resize(90, 25);
  terminal.keys('clear; stty size', 'Enter');
  await terminal.waitFor(/^25 90\s*$/m, 'the new size, after SIGWINCH');
  // A bare line feed from the remote side (its own output processing off, as a full-screen
  // program's is) moves down a row and no more: this terminal adds no carriage return (kubectl's
  // raw mode turns output processing off; Node's leaves ONLCR on).
  terminal.keys("stty -opost; printf 'ab\\ncd\\r\\n'; stty opost", 'Enter');
  await terminal.waitFor(/^ab\n  cd$/m, 'cd under the end of ab');
  terminal.keys('exit 5', 'Enter');
  await terminal.waitFor(/EXIT=5\nMODE=icanon\nOUTPUT=opost/, 'exit 5, the terminal cooked again, its output processing back');
});

test("exec from a terminal that drops carriage returns (stty igncr): Enter still reaches the shell, as under kubectl, and igncr is back after", async () => {
  const argv = ['sh', '-c', 'stty igncr; exec "$@"', 'sh', ...cliArgv(['exec', '-c', 'nginx', 'web'])];
  const terminal = startTmux('igncr', argv, { ...env, HOME: app.dir }, { after: 'echo "EXIT=$?"; stty -a | grep -o -- "-*igncr" | sed "s/^/INPUT=/";' });
  terminals.push(terminal);
  await terminal.waitFor(/# $/m, 'the shell prompt');
  terminal.keys('echo typed-$((6*7))', 'Enter');
  await terminal.waitFor(/^typed-42/m, 'Enter ran the line');
  terminal.keys('exit 0', 'Enter');
  await terminal.waitFor(/EXIT=0\nINPUT=igncr/, 'exit 0, igncr as it was');
});

test('exec from a terminal with its output sent to files: no terminal for the command, so stdout and stderr come apart, byte for byte; -t (with -i, as kubectl takes them) asks for one anyway', async () => {
  const out = join(app.dir, 'exec-out.txt');
  const err = join(app.dir, 'exec-err.txt');
  const toFiles = (name: string, ...flags: string[]) => {
    const line = `${cliArgv(['exec', ...flags, 'alpine-tools', '--', 'sh', '-c', 'echo out; echo err >&2; printf "a\\nb\\n"']).map((word) => `'${word}'`).join(' ')} > ${out} 2> ${err}`;
    const terminal = startTmux(name, ['sh', '-c', line], { ...env, HOME: app.dir }, { after: 'echo "EXIT=$?";' });
    terminals.push(terminal);
    return terminal;
  };
  await toFiles('exec-to-files').waitFor(/EXIT=0/, 'the command to end');
  assert.is(readFileSync(out, 'utf8'), 'out\na\nb\n');
  assert.is(readFileSync(err, 'utf8'), 'err\n');
  await toFiles('exec-to-files-tty', '-it').waitFor(/EXIT=0/, 'the command to end, with a terminal');
  assert.is(readFileSync(out, 'utf8'), 'out\r\nerr\r\na\r\nb\r\n', 'one terminal: both streams in it, CRLF');
});

test('attach to console, detach with Ctrl-P Ctrl-Q: the shell goes on, and the next attach finds it', async () => {
  const first = inTerminal('attach-1', 'attach', 'console');
  await first.waitFor(/Ctrl-P Ctrl-Q detaches/, 'the detach keys told');
  first.keys('echo attached-$((6*7))', 'Enter');
  await first.waitFor(/^attached-42/m, "the console's answer");
  first.keys('C-p', 'C-q');
  await first.waitFor(/detached: the process goes on running[\s\S]*EXIT=0\nMODE=icanon/, 'the detach, exit 0');
  const second = inTerminal('attach-2', 'attach', 'console');
  await second.waitFor(/Ctrl-P Ctrl-Q detaches/, 'the detach keys told');
  second.keys('echo again-$((6*8))', 'Enter');
  await second.waitFor(/^again-48/m, 'the same shell, still running');
  second.keys('C-p', 'C-q');
  await second.waitFor(/EXIT=0/, 'the second detach');
});

test('debug distroless-app: a busybox shell sees the app container\'s files under /proc/1/root', async () => {
  const terminal = inTerminal('debug', 'debug', 'distroless-app');
  await terminal.waitFor(/a debug container of busybox:1\.36 in distroless-app/, 'the debug notice');
  // the shell is the debug container's main process, attached after it printed its prompt
  terminal.keys('Enter');
  await terminal.waitFor(/^# $/m, 'a prompt');
  terminal.keys('cat /proc/1/root/etc/os-release', 'Enter');
  await terminal.waitFor(/^ID=octant-exec-sandbox/m, "the app container's os-release");
  // the shell's code, which the attach does not carry, from the debug container's status
  terminal.keys('exit 5', 'Enter');
  await terminal.waitFor(/EXIT=5/, 'the end, with the code');
});

test('debug --copy crashloop: told it is a COPY, runs in the copy, and the copy is deleted when the terminal ends', async () => {
  const terminal = inTerminal('copy', 'debug', '--copy', 'crashloop');
  await terminal.waitFor(/this is a COPY of crashloop, named crashloop-debug-\w+/, 'the copy notice');
  const copy = /named (crashloop-debug-\w+)/.exec(terminal.screen())![1];
  // a shell flushes what was typed before its first prompt
  await terminal.waitFor(/^# $/m, 'the prompt');
  terminal.keys('hostname', 'Enter');
  await terminal.waitFor(new RegExp(`^${copy}\\s*$`, 'm'), 'the shell in the copy');
  assert.ok((await podNames()).includes(copy));
  terminal.keys('exit', 'Enter');
  await terminal.waitFor(/EXIT=0/, 'the end');
  await waitFor(async () => !(await podNames()).includes(copy), `${copy} deleted`);
});

test('what the server refuses, or a server that is not there: exit 1 with the sentence that says why', async () => {
  const other = (changes: Record<string, string>, ...args: string[]) => runCli(args, 60_000, { env: { ...env, ...changes } });
  // a debug shell needs a terminal (from a pipe it is refused before the server is asked: bad-input.test.ts)
  const badImage = inTerminal('bad-image', 'debug', '--image', 'evil:1', 'distroless-app');
  const [forbidden, unknownPod, unknownContainer, notAttachable, wrongToken, noServer] = await Promise.all([
    cli('exec', '-n', 'restricted', 'secret-db', '--', 'true'),
    cli('exec', 'nope', '--', 'true'),
    cli('exec', '-c', 'zz', 'web', '--', 'true'),
    cli('attach', 'web'),
    other({ OCTANT_EXEC_TOKEN: 'not-the-token' }, 'exec', 'web', '--', 'true'),
    other({ OCTANT_EXEC_URL: 'http://127.0.0.1:1/' }, 'exec', 'web', '--', 'true'),
  ]);
  const expected: [typeof unknownPod, RegExp][] = [
    [forbidden, /not allowed to exec here: this needs the "create" verb on "pods\/exec" in namespace "restricted"/],
    [unknownPod, /pods "nope" not found/],
    [unknownContainer, /pod "web" has no container "zz": its containers are sidecar, nginx/],
    [notAttachable, /stdin/],
    [wrongToken, /token is not valid.* For the command line: the token is \$OCTANT_EXEC_TOKEN or --token-file/],
    [noServer, /cannot reach the octant-exec server at http:\/\/127\.0\.0\.1:1/],
  ];
  for (const [run, sentence] of expected) {
    assert.is(run.code, 1, run.stderr);
    assert.match(run.stderr, sentence);
  }
  await badImage.waitFor(/busybox:1\.36/, "the server's list of images");
  await badImage.waitFor(/EXIT=1/, 'exit 1');
});

test.run();
