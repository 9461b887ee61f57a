// The upgrade timeout (upgradeTimeoutMs, 30 s) is armed before the kubeconfig's credentials are
// got (applyToHTTPSOptions runs an exec plugin: kubelogin waiting on a browser login, aws eks
// get-token on a slow network). A plugin slower than the timeout fails an exec the cluster would
// have answered at once, blamed on the cluster ("no answer to the exec upgrade").
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import process from 'node:process';
import { KubeContexts } from '../../src/adapters/kubernetes/kubeconfig.ts';
import { runExec } from '../support/exec-run.ts';
import { withTimeout } from '../support/wait.ts';
import { oneClusterConfig } from '../support/one-cluster-config.ts';
import { bothTransports, fakeCluster, saysHi } from './fake-cluster.ts';

const test = suite('the upgrade timeout counts the credential plugin', { deadlineMs: 30_000 });
const UPGRADE_TIMEOUT_MS = 500;
const PLUGIN_MS = Number(process.env.PLUGIN_MS ?? 1_500);

const credential = JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1beta1', kind: 'ExecCredential', status: { token: 'secret' } });
const plugin = `setTimeout(() => process.stdout.write(${JSON.stringify(credential)}), ${PLUGIN_MS})`;

function slowLogin(server: string): KubeContexts {
  return new KubeContexts(
    oneClusterConfig({ server, skipTLSVerify: true }, { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: process.execPath, args: ['-e', plugin], interactiveMode: 'Never' } } as never),
  );
}

for (const [name, adapter] of bothTransports(UPGRADE_TIMEOUT_MS)) {
  test(`${name}: a credential plugin slower than the upgrade timeout, a cluster that answers at once: the exec runs`, async () => {
    const cluster = await fakeCluster(saysHi);
    const server = cluster.contexts.server();
    try {
      const run = runExec(adapter(slowLogin(server)), { argv: ['true'] });
      const end = await withTimeout(run.ended, 15_000, 'the exec to end');
      assert.equal(end, { kind: 'exited', code: 0 }, JSON.stringify(end));
      assert.is(run.stdout().toString(), 'hi');
    } finally {
      cluster.close();
    }
  });
}

test.run();
