// deploy/replicas.yaml tells each replica where the others reach it with
// `--advertise=http://$(POD_IP):7788`, POD_IP from the downward API (status.podIP). On an IPv6
// cluster (single-stack, or dual-stack with IPv6 first) that address is an IPv6 one, which
// Kubernetes substitutes as it is: `http://fd00:10:244::5:7788`. Every replica then stopped at
// start ("--advertise takes a URL like …"), and the Deployment crash-looped.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';
import { parseFlags } from '../../src/cli/flags.ts';
import { serveSpec } from '../../src/cli/serve/serve-spec.ts';
import { sharedLogOptions } from '../../src/cli/serve/store-options.ts';

// deno-lint-ignore no-explicit-any
type Obj = Record<string, any>;

/** The server's arguments in replicas.yaml after `serve`, as Kubernetes expands them for a pod at `podIP`. */
function replicaArgs(podIP: string): string[] {
  const path = new URL('../../deploy/replicas.yaml', import.meta.url).pathname;
  const deployment = (loadAll(readFileSync(path, 'utf8')) as Obj[]).find((doc) => doc?.kind === 'Deployment')!;
  const container = deployment.spec.template.spec.containers.find((c: Obj) => c.name === 'octant-exec');
  const fromPodIP = container.env.find((e: Obj) => e.name === 'POD_IP');
  assert.is(fromPodIP?.valueFrom?.fieldRef?.fieldPath, 'status.podIP', 'POD_IP is the pod address');
  return (container.args as string[]).slice(1).map((arg) => arg.replaceAll('$(POD_IP)', podIP));
}

function advertised(podIP: string): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'octant-exec-advertise-'));
  try {
    const args = replicaArgs(podIP);
    const parsed = parseFlags(serveSpec, args) as unknown as { values: Record<string, string | undefined> };
    const storeFile = join(dir, 'url');
    writeFileSync(storeFile, 'postgres://octant:secret@db.example.com:5432/octant\n', { mode: 0o600 });
    return sharedLogOptions({ 'store-file': storeFile, advertise: parsed.values.advertise }).sharedLog?.advertise;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('an IPv4 pod address is advertised as it is', () => {
  assert.is(advertised('10.244.1.7'), 'http://10.244.1.7:7788');
});

test('an IPv6 pod address starts the replica, advertised in brackets', () => {
  let answer: string | undefined;
  assert.not.throws(() => (answer = advertised('fd00:10:244::5')), 'the replica starts');
  assert.is(answer, 'http://[fd00:10:244::5]:7788');
});

test.run();
