// Bad command lines as a user types them, every command alike: one line on stderr that says what
// is wrong and the nearest valid spelling, exit 2, no stack trace; --help and --version answer.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { runCli } from '../support/cli.ts';

const test = suite('bad input');

test('each mistake gets one line naming it and the nearest spelling, exit 2, nothing on stdout', async () => {
  const cases: [string[], string][] = [
    [['bach', '-l', 'app=web', '--', 'id'], 'octant-exec: unknown command "bach" (did you mean batch?): the commands are serve, batch, sandbox, exec, attach, debug, cp, people, sign-in, sign-out, log, octant, completion (see octant-exec --help)'],
    [['--prot', '80'], 'octant-exec: unknown option "--prot" (did you mean --port?) (see octant-exec --help)'],
    [['batch', '--namepsace', 'x', 'web', '--', 'id'], 'octant-exec batch: unknown option "--namepsace" (did you mean --namespace?) (see octant-exec batch --help)'],
    [['sandbox', '--port'], 'octant-exec sandbox: --port needs a value (see octant-exec sandbox --help)'],
    [['log', 'verfy'], 'octant-exec log: unknown command "verfy" (did you mean verify?): use stats, verify, compact or export (see octant-exec log --help)'],
    [['octant', 'instal'], 'octant-exec octant: unknown command "instal" (did you mean install?): use install or uninstall (see octant-exec octant --help)'],
    [['octant', 'install', '--url', 'file:///etc/passwd'], 'octant-exec octant: --url: the octant-exec address must be an http(s) URL, not "file:///etc/passwd" (see octant-exec octant --help)'],
    [['completion', 'fish'], 'octant-exec completion: unknown command "fish": use bash or zsh (see octant-exec completion --help)'],
    [['--json=yes'], 'octant-exec: --json takes no value (see octant-exec --help)'],
    [['exec', '-n', 'x'], 'octant-exec exec: name the pod: octant-exec exec [options] [NAMESPACE/]POD [-- COMMAND [ARG...]] (see octant-exec exec --help)'],
    [['attach', 'web', 'console'], 'octant-exec attach: one pod, not 2 ("console"…): octant-exec attach [options] [NAMESPACE/]POD (see octant-exec attach --help)'],
    [['exec', 'deploy/web', '--', 'true'], 'octant-exec exec: "deploy/web" names a deployment, which kubectl would turn into one of its pods: name the pod (kubectl get pods -l SELECTOR lists them; octant-exec batch -l SELECTOR runs in every one). A namespace called "deploy" is given with -n deploy (see octant-exec exec --help)'],
    [['batch', 'web', 'STS/db', '--', 'id'], 'octant-exec batch: "STS/db" names a statefulset, which kubectl would turn into one of its pods: name the pod (kubectl get pods -l SELECTOR lists them; octant-exec batch -l SELECTOR runs in every one). A namespace called "sts" is given with -n sts (see octant-exec batch --help)'],
    [['attach', 'pod/Bad_Name'], 'octant-exec attach: "Bad_Name" is not a valid pod name: use lowercase letters, digits, "-" and ".", at most 253 characters. (see octant-exec attach --help)'],
    [['exec', '-n', 'default', 'batch/worker-0'], 'octant-exec exec: the pod says namespace "batch" and -n says "default": give one (see octant-exec exec --help)'],
    [['debug', 'Bad_Name'], 'octant-exec debug: "Bad_Name" is not a valid pod name: use lowercase letters, digits, "-" and ".", at most 253 characters. (see octant-exec debug --help)'],
    [['debug', '--copy', '--image', 'busybox:1.36', 'crashloop'], 'octant-exec debug: --copy runs the shell in a copy of the pod, not in an image: give --copy or --image, not both (see octant-exec debug --help)'],
    [['--sandbox', 'exec', 'web'], 'octant-exec: "exec" is a command: put it first, then its own flags (octant-exec exec --help) (see octant-exec --help)'],
    [['--port', '7811', 'exce'], 'octant-exec: unknown command "exce" (did you mean exec?): a command goes first, before any flag (see octant-exec --help)'],
    [['sandbox', 'extra', '--port', '7811'], 'octant-exec sandbox: unexpected "extra": this command takes only flags (see octant-exec sandbox --help)'],
    [['debug', 'distroless-app'], 'octant-exec debug: a debug shell needs a terminal, and stdin is not one: run it from a terminal (octant-exec exec POD -- COMMAND runs a command from a pipe) (see octant-exec debug --help)'],
    [['cp', '-n', 'default', 'batch/worker-0:/tmp/x', './x'], 'octant-exec cp: the pod says namespace "batch" and -n says "default": give one (see octant-exec cp --help)'],
    [['cp', './a', './b'], 'octant-exec cp: one of SRC and DST must be in a container ([NAMESPACE/]POD:PATH) and the other local (see octant-exec cp --help)'],
    [['exec', 'web', '--'], 'octant-exec exec: nothing follows --: name the command to run after it (octant-exec exec web -- COMMAND), or leave out -- for a shell (see octant-exec exec --help)'],
    [['exec', '--tty=yes', 'web'], 'octant-exec exec: --tty takes no value (see octant-exec exec --help)'],
    [['batch', 'web', 'api', 'web', '--', 'id'], 'octant-exec batch: pod web is named twice: each pod named runs the command once (as POST /batches refuses it too) (see octant-exec batch --help)'],
    [['batch', 'web', '--', 'echo', 'x'.repeat(40_000)], 'octant-exec batch: The command is longer than 32768 bytes. (see octant-exec batch --help)'],
    [['batch', 'web', '--', ...Array.from({ length: 300 }, () => 'x')], 'octant-exec batch: The command has 300 words: at most 256. (see octant-exec batch --help)'],
  ];
  const results = await Promise.all(cases.map(([args]) => runCli(args)));
  results.forEach((r, i) => {
    const [args, line] = cases[i];
    assert.is(r.code, 2, args.join(' '));
    assert.is(r.stderr, `${line}\n`, args.join(' '));
    assert.is(r.stdout, '', args.join(' '));
  });
});

test('--help prints the usage of the command and exits 0; the top one lists every command', async () => {
  const [top, batch, log] = await Promise.all([runCli(['--help']), runCli(['batch', '-h']), runCli(['log', '--help'])]);
  assert.is(top.code, 0);
  assert.match(top.stdout, /^Usage: octant-exec \[serve\] \[options\]$/m);
  for (const command of ['batch', 'sandbox', 'exec', 'attach', 'debug', 'cp', 'people', 'log', 'octant', 'completion']) assert.match(top.stdout, new RegExp(`^  ${command} +\\S`, 'm'), command);
  assert.not.match(top.stdout, /__complete/);
  assert.is(batch.code, 0);
  assert.match(batch.stdout, /^Usage: octant-exec batch /);
  assert.is(log.code, 0);
  assert.match(log.stdout, /^ {2}verify +checks every line/m);
});

test("--version prints the package's version", async () => {
  const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  const r = await runCli(['--version']);
  assert.is(r.code, 0);
  assert.is(r.stdout, `octant-exec ${version}\n`);
});

test.run();
