// Which kubeconfig is used, as kubectl would choose it, and when the sandbox stands in: only when
// there is none to use. One that is there but broken stops with a sentence naming it, never a
// quiet switch to the sandbox's pods (a batch would "succeed" against them).
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { findKubeconfig } from '../../src/runtime/cluster-choice.ts';
import { cliArgv } from '../support/cli.ts';
import { withTempDir } from '../support/temp-dir.ts';

const config = (current?: string) => `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: {server: 'https://127.0.0.1:6443'}
users:
- name: u
  user: {token: t}
contexts:
- name: dev
  context: {cluster: c, user: u}
${current ? `current-context: ${current}\n` : ''}`;

/** findKubeconfig over $KUBECONFIG's files, named in `dir` (a HOME with no ~/.kube/config). */
function found(dir: string, files: Record<string, string>, names: string[], context?: string) {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const result = findKubeconfig({ env: { KUBECONFIG: names.map((name) => join(dir, name)).join(':'), HOME: join(dir, 'home') }, ...(context ? { context } : {}) });
  if (result === undefined) return 'none';
  return 'problem' in result ? result.problem.replaceAll(dir + '/', '') : result.path.replaceAll(dir + '/', '');
}

test('none there, empty, or naming no context at all: the sandbox stands in; else the first with a current context', () =>
  withTempDir((dir) => {
    assert.is(found(dir, { zero: '', bare: 'apiVersion: v1\nkind: Config\n', comment: '# later\n---\n\n' }, ['zero', 'bare', 'comment']), 'none', 'nothing configured is no kubeconfig');
    assert.is(found(dir, { good: config('dev') }, ['missing', 'good']), 'good');
    assert.is(found(dir, { unset: config(), good: config('dev') }, ['unset', 'good']), 'unset:good', "merged, as kubectl merges them: the first current context set");
  }));

test("$KUBECONFIG's files are merged as kubectl merges them: the first to name an entry or set the context wins", () =>
  withTempDir((dir) => {
    mkdirSync(join(dir, 'creds'));
    const files = {
      'contexts.yaml': 'apiVersion: v1\nkind: Config\ncurrent-context: dev\ncontexts:\n- name: dev\n  context: {cluster: c, user: u, namespace: team}\n',
      'creds/clusters.yaml': `apiVersion: v1\nkind: Config\ncurrent-context: elsewhere\nclusters:\n- name: c\n  cluster: {server: 'https://10.0.0.1:6443', certificate-authority: ca.crt}\nusers:\n- name: u\n  user: {token: t}\n`,
      'later.yaml': config('dev').replace('127.0.0.1', '10.9.9.9'),
    };
    assert.is(found(dir, files, ['contexts.yaml', 'creds/clusters.yaml', 'later.yaml']), 'contexts.yaml:creds/clusters.yaml:later.yaml', 'a context in one file, its cluster and user in another');
    const result = findKubeconfig({ env: { KUBECONFIG: ['contexts.yaml', 'creds/clusters.yaml', 'later.yaml'].map((name) => join(dir, name)).join(':') } });
    assert.ok(result && 'contexts' in result);
    assert.is(result.contexts.current, 'dev', 'the first current-context set');
    assert.is(result.contexts.server(), 'https://10.0.0.1:6443', 'the first file to name cluster c keeps it');
    assert.is(result.contexts.defaultNamespace(), 'team');
    assert.is(result.contexts.config().getCurrentCluster()?.caFile, join(dir, 'creds', 'ca.crt'), "a relative path is its own file's folder's");
  }));

test('$KUBECONFIG set: ~/.kube/config is not read, as kubectl does not read it; unset: it is', () =>
  withTempDir((dir) => {
    mkdirSync(join(dir, 'home', '.kube'), { recursive: true });
    writeFileSync(join(dir, 'home', '.kube', 'config'), config('dev'));
    assert.is(found(dir, {}, ['missing', 'gone']), '$KUBECONFIG names missing, gone, and none of them is there: fix or unset it, name a file with --kubeconfig, or use the built-in cluster with --sandbox', 'not the sandbox in silence');
    const home = findKubeconfig({ env: { HOME: join(dir, 'home') } });
    assert.is(home && 'path' in home ? home.path : home, join(dir, 'home', '.kube', 'config'));
    assert.is(findKubeconfig({ env: { KUBECONFIG: ':', HOME: join(dir, 'home') } }), undefined, 'separators alone name no file: kubectl reads none');
    assert.is(findKubeconfig({ env: { KUBECONFIG: '', HOME: join(dir, 'home') } }) !== undefined, true, 'empty is unset');
  }));

test('a file this user may not read, or in a folder it may not enter, says so and what to do (run as nobody, through the command line)', () => {
  const dir = mkdtempSync('/tmp/octant-exec-kubeconfig-'); // not in the tests' own folder, which nobody may not enter
  try {
    chmodSync(dir, 0o755);
    const file = join(dir, 'config');
    writeFileSync(file, config('dev'), { mode: 0o600 });
    mkdirSync(join(dir, 'closed'), { mode: 0o700 });
    writeFileSync(join(dir, 'closed', 'config'), config('dev'), { mode: 0o644 });
    const asOther = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
    if (!asOther.length) chmodSync(file, 0o000);
    if (!asOther.length) chmodSync(join(dir, 'closed'), 0o000);
    const batch = (env: Record<string, string>, ...flags: string[]) => {
      const argv = [...asOther, ...cliArgv(['batch', ...flags, '-l', 'app=web', '--', 'true'])];
      const run = spawnSync(argv[0]!, argv.slice(1), { env: { PATH: process.env.PATH!, HOME: dir, ...env }, encoding: 'utf8', timeout: 60_000 });
      assert.is(run.status, 2, run.stderr);
      return run.stderr.trim().replaceAll(dir + '/', '');
    };
    const what = 'cannot be read by this user (permission denied, on it or a folder above it): make it readable (chmod u+r, or chown it to this user)';
    assert.is(batch({ KUBECONFIG: file }), `octant-exec batch: config ${what}, name another with --kubeconfig, or use the built-in cluster with --sandbox (see octant-exec batch --help)`);
    assert.is(batch({ KUBECONFIG: join(dir, 'closed', 'config') }), `octant-exec batch: closed/config ${what}, name another with --kubeconfig, or use the built-in cluster with --sandbox (see octant-exec batch --help)`, 'not "none of it is there"');
    assert.is(batch({}, '--kubeconfig', file), `octant-exec batch: --kubeconfig config ${what}, or name another (see octant-exec batch --help)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('one there that cannot be used stops, naming it and what to do: no quiet switch to the sandbox', () =>
  withTempDir((dir) => {
    assert.match(found(dir, { bad: 'garbage: [\n', good: config('dev') }, ['bad', 'good']), /^bad cannot be used: [^\n]+\. Fix it, name another with --kubeconfig, or use the built-in cluster with --sandbox$/);
    assert.is(found(dir, { typo: config('typo') }, ['typo']), 'typo cannot be used: context "typo" is not in the kubeconfig. Pick a context it has with --context, or use the built-in cluster with --sandbox');
    assert.is(found(dir, { unset: config() }, ['unset']), 'unset sets no current context: pick one with --context (kubectl config get-contexts lists them), or use the built-in cluster with --sandbox');
    assert.match(found(dir, { good: config('dev') }, ['good'], 'prod'), /^good cannot be used: context "prod" is not in good; it has: dev\. Pick a context/);
    assert.is(found(dir, { unset: config() }, ['unset'], 'dev'), 'unset', '--context picks one where none is current');
    assert.is(found(dir, { dangling: 'apiVersion: v1\nkind: Config\ncurrent-context: gone\n' }, ['dangling']), 'dangling cannot be used: context "gone" is not in the kubeconfig. Pick a context it has with --context, or use the built-in cluster with --sandbox', 'a current context with no contexts at all is not an empty config');
    assert.is(
      found(dir, { first: config('typo'), second: config() }, ['first', 'second']),
      'first cannot be used: context "typo" is not in the kubeconfig (read with first, second). Pick a context it has with --context, or use the built-in cluster with --sandbox',
      'merged: the file that set the context is named, and the files read',
    );
    assert.match(found(dir, { first: config(), second: config() }, ['first', 'second'], 'prod'), /^first, second cannot be used: context "prod" is not in first, second; it has: dev\./);
  }));

test.run();
