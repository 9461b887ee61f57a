// Shell completion: what completes each word (from the specs, the kubeconfig and the cluster),
// and the scripts in the real shells: bash through `complete`, zsh through compdef, each calling
// octant-exec back for the words, against the sandbox cluster.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { completions, type ClusterNameKind, type Given } from '../../src/cli/completion/complete.ts';
import { cliArgv } from '../support/cli.ts';
import { requireTool, startTestSandbox, type Sandbox } from '../support/sandbox.ts';
import { withTempDir } from '../support/temp-dir.ts';

const test = suite('completion');

/** Cluster names that say what they were asked for. */
const asked: [ClusterNameKind, Given][] = [];
const names = async (kind: ClusterNameKind, given: Given) => {
  asked.push([kind, given]);
  return { context: ['dev', 'prod'], namespace: ['default', 'batch'], pod: ['web', 'worker-0', 'worker-1'], container: ['main', 'logger'] }[kind];
};
const complete = (...words: string[]) => completions(words, names);

test('commands, then their flags, subcommands and fixed values, matching what is typed', async () => {
  assert.equal(await complete(''), ['serve', 'batch', 'sandbox', 'exec', 'attach', 'debug', 'cp', 'people', 'sign-in', 'sign-out', 'log', 'octant', 'completion']);
  assert.equal(await complete('ba'), ['batch']);
  assert.equal(await complete('debug', '--co'), ['--container', '--context', '--copy', '--cookie-file']);
  const dash = await complete('batch', '-');
  assert.ok(['--namespace', '-n', '--container', '-c', '--selector', '-l', '-h'].every((flag) => dash.includes(flag)), `'-' offers the short spellings too: ${dash.join(' ')}`);
  assert.not.ok((await complete('batch', '--')).some((flag) => !flag.startsWith('--')), "'--': the long ones only");
  assert.equal(await complete('batch', '-n'), ['-n'], 'a short flag typed whole is complete');
  assert.equal(await complete('batch', '--all'), ['--all-containers']);
  assert.equal(await complete('--sandbox-u'), ['--sandbox-unisolated'], 'the default command has its flags at the top');
  assert.equal(await complete('batch', '--output', ''), ['prefixed', 'grouped', 'json']);
  assert.equal(await complete('--exec-transport', 'w'), ['websocket']);
  assert.equal(await complete('log', ''), ['stats', 'verify', 'compact', 'export']);
  assert.equal(await complete('log', 'stats', ''), [], 'no second subcommand');
  assert.equal(await complete('people', ''), ['sign-out', 'end', 'show']);
  assert.equal(await complete('completion', 'z'), ['zsh']);
  assert.equal(await complete('batch', '--kubeconfig', ''), [], 'a file: the shell completes file names');
  assert.equal(await complete('nosuch', ''), []);
});

test('--flag=value: bash cuts it at the = (the value alone completes), zsh keeps it whole (the whole word completes)', async () => {
  asked.length = 0;
  assert.equal(await complete('batch', '--namespace', '='), ['default', 'batch'], 'bash, nothing after the = yet: the = is the word under the cursor');
  assert.equal(await complete('batch', '--namespace', '=', 'b'), ['batch']);
  assert.equal(await complete('batch', '--namespace=b'), ['--namespace=batch'], 'zsh');
  assert.equal(await complete('batch', '--context', '=', 'dev', '--output', '=', 'j'), ['json'], 'an earlier --flag=value cut by bash is one flag again');
  assert.equal(await complete('batch', '--context', '=', 'dev', '-n', 'batch', '-l', 'app', '=', 'web', '-c', ''), ['main', 'logger'], 'bash cuts the selector too');
  assert.equal(asked.map(([, given]) => given), [
    { kubeconfig: undefined, context: undefined, namespace: undefined },
    { kubeconfig: undefined, context: undefined, namespace: undefined },
    { kubeconfig: undefined, context: undefined, namespace: undefined },
    { kubeconfig: undefined, context: 'dev', namespace: 'batch', selector: 'app=web' },
  ]);
  assert.equal(await complete('batch', '--all-containers', '='), [], 'a flag that takes no value has none to offer');
  assert.equal(await complete('--kubeconfig', '=', '/tm'), [], 'a file: the shell completes the name after the =');
  assert.equal(await complete('batch', '--', 'env', '--x', '=', ''), [], 'after -- the words are the command\'s');
});

test('contexts, namespaces and pods come from the cluster, asked with the flags given so far', async () => {
  asked.length = 0;
  assert.equal(await complete('--context', 'p'), ['prod']);
  assert.equal(await complete('batch', '--kubeconfig', '/k', '--context=dev', '-n', ''), ['default', 'batch']);
  assert.equal(await complete('batch', '-n', 'batch', '--context', 'dev', 'worker-'), ['worker-0', 'worker-1']);
  assert.equal(await complete('batch', '--namespace=batch', 'w'), ['web', 'worker-0', 'worker-1']);
  assert.equal(asked, [
    ['context', { kubeconfig: undefined, context: undefined, namespace: undefined }],
    ['namespace', { kubeconfig: '/k', context: 'dev', namespace: undefined }],
    ['pod', { kubeconfig: undefined, context: 'dev', namespace: 'batch' }],
    ['pod', { kubeconfig: undefined, context: undefined, namespace: 'batch' }],
  ]);
  assert.equal(await complete('batch', '-l', 'app=worker', 'w'), [], '-l picks the pods: batch refuses pod names beside it');
  assert.equal(await complete('batch', 'web', '--', ''), [], 'after -- come the words of the command to run');
  assert.equal(await complete('exec', 'web', '--', ''), [], "exec's command too");
  asked.length = 0;
  assert.equal(await complete('attach', '-n', 'batch', 'worker-1'), ['worker-1'], 'the pod of exec, attach and debug');
  // a client of a running server: where it is, whose context's namespace is the one without -n (cluster-names.ts)
  const server = { url: undefined, tokenFile: undefined, cookieFile: undefined };
  assert.equal(asked, [['pod', { kubeconfig: undefined, context: undefined, namespace: 'batch', server }]]);
  // -c: the containers of the pods named so far (in the namespace the operand names), or of the selector's
  asked.length = 0;
  assert.equal(await complete('exec', 'batch/worker-0', '-c', 'l'), ['logger']);
  assert.equal(await complete('batch', '-n', 'batch', 'worker-0', 'pod/worker-1', '--container', ''), ['main', 'logger']);
  assert.equal(await complete('batch', '-l', 'app=worker', '-c', ''), ['main', 'logger']);
  assert.equal(asked, [
    ['container', { kubeconfig: undefined, context: undefined, namespace: 'batch', server, pods: ['worker-0'] }],
    ['container', { kubeconfig: undefined, context: undefined, namespace: 'batch', pods: ['worker-0', 'worker-1'] }],
    ['container', { kubeconfig: undefined, context: undefined, namespace: undefined, selector: 'app=worker' }],
  ]);
});

/** A folder with `octant-exec` in it that runs this checkout's sources, as the scripts call it. */
function binWith(dir: string): string {
  const run = cliArgv([])
    .map((word) => `'${word}'`)
    .join(' ');
  writeFileSync(join(dir, 'octant-exec'), `#!/bin/sh\nexec ${run} "$@"\n`, { mode: 0o755 });
  return dir;
}

/** Runs `script` in a shell (its own process: the sandbox in this one must keep answering); stdout lines. */
function shell(shellPath: string, bin: string, sandbox: Sandbox, script: string): Promise<string[]> {
  requireTool(shellPath);
  const args = shellPath.endsWith('zsh') ? ['-f', '-c', script] : ['--norc', '--noprofile', '-c', script];
  const env = { PATH: `${bin}:/usr/bin:/bin`, HOME: bin, KUBECONFIG: sandbox.kubeconfigPath };
  return new Promise((resolve, reject) =>
    execFile(shellPath, args, { env, cwd: new URL('../..', import.meta.url).pathname, timeout: 120_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${shellPath}: ${error.message}\n${stderr}`)) : resolve(stdout.split('\n').filter(Boolean)),
    ),
  );
}

test('bash: `complete` registers it; commands, namespaces, pods and containers of the sandbox complete', async () => {
  const sandbox = await startTestSandbox();
  try {
    await withTempDir(async (dir) => {
      const bin = binWith(dir);
      const at = (...words: string[]) => `COMP_WORDS=(octant-exec ${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length}; _octant_exec; printf '%s\\n' "\${COMPREPLY[@]}"; echo ---`;
      const lines = ['source <(octant-exec completion bash)', 'complete -p octant-exec', at('sa'), at('batch', '-n', ''), at('batch', '-n', 'batch', 'worker-'), at('batch', '--output', 'g'), at('exec', 'batch/worker-0', '-c', '')];
      // `--namespace=ba` and `-l app=worker` as bash's readline hands them over, cut at each '='
      const cut = [at('batch', '--namespace', '=', 'ba'), at('batch', '-n', 'batch', '-l', 'app', '=', 'worker', '-c', '')];
      const out = await shell('/bin/bash', bin, sandbox, [...lines, ...cut].join('\n'));
      assert.equal(out, ['complete -o default -F _octant_exec octant-exec', 'sandbox', '---', 'batch', 'default', 'restricted', '---', 'worker-0', 'worker-1', 'worker-2', '---', 'grouped', '---', 'main', 'logger', '---', 'batch', '---', 'main', 'logger', '---']);
    });
  } finally {
    await sandbox.close();
  }
});

test('zsh: compdef registers it; candidates go to compadd, and file names when there are none', async () => {
  const sandbox = await startTestSandbox();
  try {
    await withTempDir(async (dir) => {
      const bin = binWith(dir);
      // compadd and _files work only inside a completion widget: stand-ins print what they were given
      const at = (...words: string[]) => `words=(octant-exec ${words.map((w) => `'${w}'`).join(' ')}); CURRENT=${words.length + 1}; _octant_exec; print -- ---`;
      const script = ['autoload -Uz compinit && compinit -u -D', 'source <(octant-exec completion zsh)', 'print -r -- "$_comps[octant-exec]"', "compadd() { shift; print -l -- \"$@\"; }", '_files() { print -- FILES; }', "compset() { print -r -- compset \"$@\"; }", at('lo'), at('batch', '-n', 'batch', ''), at('--kubeconfig', ''), at('batch', '--namespace=b')].join('\n');
      // file names: a --flag='s prefix up to its = is set apart first
      assert.equal(await shell('/usr/bin/zsh', bin, sandbox, script), ['_octant_exec', 'log', '---', 'worker-0', 'worker-1', 'worker-2', '---', 'compset -P --*=', 'FILES', '---', '--namespace=batch', '---']);
    });
  } finally {
    await sandbox.close();
  }
});

test.run();
