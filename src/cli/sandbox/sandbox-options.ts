// The sandbox command's flags as sandbox options: every value checked, each refusal one line.
import type { ExecTransportName, SandboxOptions } from '../../sandbox/index.ts';
import type { FlagValues } from '../flags.ts';
import { UsageError, wholeNumber } from '../usage.ts';
import type { sandboxSpec } from './sandbox-spec.ts';

const EXEC_TRANSPORTS: readonly ExecTransportName[] = ['websocket', 'spdy'];

export function sandboxOptions(values: FlagValues<typeof sandboxSpec>): SandboxOptions {
  return {
    ...(values.port !== undefined ? { port: wholeNumber('--port', values.port, 0, 65_535) } : {}),
    ...(values.fixture !== undefined ? { fixture: values.fixture } : {}),
    ...(values['kubeconfig-out'] !== undefined ? { kubeconfigOut: values['kubeconfig-out'] } : {}),
    ...(values['state-dir'] !== undefined ? { stateDir: values['state-dir'] } : {}),
    ...(values['exec-transports'] !== undefined ? { execTransports: execTransports(values['exec-transports']) } : {}),
    ...(values['sandbox-unisolated'] ? { isolation: 'none' as const } : {}),
  };
}

function execTransports(text: string): ExecTransportName[] {
  const names = text.split(',').map((name) => name.trim().toLowerCase());
  for (const name of names) {
    if (!(EXEC_TRANSPORTS as readonly string[]).includes(name)) throw new UsageError(`--exec-transports takes ${EXEC_TRANSPORTS.join(', ')} (comma-separated), not "${name.slice(0, 40)}"`);
  }
  return [...new Set(names as ExecTransportName[])];
}
