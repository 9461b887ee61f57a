// The image and `octant-exec log …` run in the pod. deploy/persistentvolumeclaim.yaml says
// "`octant-exec log stats` in the pod tells how much the log takes", docs/team-mode.md has
// `octant-exec log export` "run in the pod, against the state directory", and docs/operations.md
// `log compact|verify` for an operator: all of them, without --state-dir, read the default state
// directory, $XDG_STATE_HOME/octant-exec else $HOME/.local/state/octant-exec. The image set
// HOME=/var/lib/octant-exec and nothing else, so in the pod that default was
// /var/lib/octant-exec/.local/state/octant-exec, not the volume the server writes its log to
// (--state-dir /var/lib/octant-exec): `kubectl exec … -- octant-exec log stats` said "there is no
// state directory", and every log command needed a flag the docs never give.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { loadAll } from 'js-yaml';
import { defaultStateDir } from '../../src/cli/state-dir.ts';

// deno-lint-ignore no-explicit-any
type Obj = Record<string, any>;
const root = new URL('../../', import.meta.url).pathname;

/** The environment the image's last stage gives its processes (ENV K=V …, one or more a line). */
function imageEnv(): Record<string, string> {
  const text = readFileSync(`${root}Dockerfile`, 'utf8');
  const runtime = text.slice(text.lastIndexOf('\nFROM '));
  const env: Record<string, string> = {};
  for (const [, pairs] of runtime.matchAll(/^ENV (.+)$/gm)) {
    for (const [, key, value] of pairs.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=(\S+)/g)) env[key] = value;
  }
  return env;
}

/** The state directory each Deployment keeping its log in files gives the server, by file. */
function stateDirs(): [string, string][] {
  return ['deploy/deployment.yaml', 'deploy/examples/deployment-oidc.yaml'].map((file) => {
    const deployment = (loadAll(readFileSync(root + file, 'utf8')) as Obj[]).find((doc) => doc?.kind === 'Deployment')!;
    const args: string[] = deployment.spec.template.spec.containers.find((c: Obj) => c.name === 'octant-exec').args;
    const flag = args.find((arg) => arg.startsWith('--state-dir='));
    assert.ok(flag, `${file} gives --state-dir`);
    return [file, flag!.slice('--state-dir='.length)];
  });
}

test("in the image, the log commands' default state directory is the one the manifests give the server", () => {
  const env = imageEnv();
  assert.ok(env.HOME, 'the image sets HOME');
  for (const [file, dir] of stateDirs()) assert.is(defaultStateDir(env), dir, `${file}: \`octant-exec log stats\` in the pod reads --state-dir ${dir}`);
});

test.run();
