// `octant-exec sandbox`: runs the sandbox cluster alone until SIGINT/SIGTERM, for kubectl, the
// app in another process, or a person poking at it.
import { startSandbox } from '../../sandbox/index.ts';
import type { ParsedArgs } from '../flags.ts';
import { makeStateDir } from '../state-dir.ts';
import { stopSignal } from '../stop-signal.ts';
import { failureLine } from '../system-error.ts';
import { sandboxOptions } from './sandbox-options.ts';
import type { sandboxSpec } from './sandbox-spec.ts';

export async function sandboxCommand({ values }: ParsedArgs<typeof sandboxSpec>): Promise<number> {
  const options = sandboxOptions(values);
  let sandbox;
  try {
    if (options.stateDir) makeStateDir(options.stateDir);
    sandbox = await startSandbox(options);
  } catch (error) {
    console.error(`octant-exec sandbox: ${failureLine(error, options.stateDir)}`);
    return 1;
  }
  for (const warning of sandbox.warnings) console.error(`octant-exec sandbox: WARNING: ${warning}`);
  const stopped = stopSignal(); // before it says it is ready (stop-signal.ts)
  if (values.json) {
    const users = Object.fromEntries(Object.entries(sandbox.users).map(([name, user]) => [name, user.kubeconfigPath]));
    console.log(JSON.stringify({ server: sandbox.server, kubeconfig: sandbox.kubeconfigPath, context: sandbox.context, isolation: sandbox.isolation, users, audit: sandbox.auditLogPath }));
  } else {
    console.log(`sandbox cluster at ${sandbox.server}\n  kubectl --kubeconfig ${sandbox.kubeconfigPath} get pods -A\n  (Ctrl-C ends it and every exec)`);
  }
  const signal = await stopped;
  await sandbox.close();
  if (!values.json) console.error(`sandbox stopped (${signal})`);
  return 0;
}
