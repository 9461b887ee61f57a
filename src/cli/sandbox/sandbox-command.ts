// `octant-exec sandbox`: runs the sandbox cluster alone until SIGINT/SIGTERM/SIGHUP, for kubectl, the
// app in another process, or a person poking at it.
import { startSandbox } from '../../sandbox/index.ts';
import type { ParsedArgs } from '../flags.ts';
import { makeStateDir } from '../state-dir.ts';
import { stoppedBy, stopSignals } from '../stop-signal.ts';
import { failureLine } from '../system-error.ts';
import { sandboxOptions } from './sandbox-options.ts';
import type { sandboxSpec } from './sandbox-spec.ts';

export async function sandboxCommand({ values }: ParsedArgs<typeof sandboxSpec>): Promise<number> {
  const options = sandboxOptions(values);
  // from before the start (stop-signal.ts): a signal while it starts stops the sandbox once started
  const stop = stopSignals('octant-exec sandbox');
  let sandbox;
  try {
    if (options.stateDir) makeStateDir(options.stateDir);
    sandbox = await startSandbox(options);
  } catch (error) {
    stop.forget();
    console.error(`octant-exec sandbox: ${failureLine(error, options.stateDir)}`);
    return 1;
  }
  const ready = stop.started();
  for (const warning of sandbox.warnings) console.error(`octant-exec sandbox: WARNING: ${warning}`);
  if (ready) console.log(readyLine(sandbox, values.json === true)); // asked to stop while starting, it never says it is ready
  const signal = await stop.first;
  await sandbox.close();
  if (!values.json) console.error(`sandbox stopped (${signal})`);
  return stoppedBy(signal);
}

function readyLine(sandbox: Awaited<ReturnType<typeof startSandbox>>, json: boolean): string {
  if (!json) return `sandbox cluster at ${sandbox.server}\n  kubectl --kubeconfig ${sandbox.kubeconfigPath} get pods -A\n  (Ctrl-C ends it and every exec)`;
  const users = Object.fromEntries(Object.entries(sandbox.users).map(([name, user]) => [name, user.kubeconfigPath]));
  return JSON.stringify({ server: sandbox.server, kubeconfig: sandbox.kubeconfigPath, context: sandbox.context, isolation: sandbox.isolation, users, audit: sandbox.auditLogPath });
}
