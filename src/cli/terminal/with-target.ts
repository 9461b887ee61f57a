// The target resolved, then the terminal run; a target the server cannot give (no such pod,
// forbidden, no server there) is its sentence on stderr and exit 1.
import process from 'node:process';
import { ServerError, type ServerAccess } from '../server/server-client.ts';
import { resolveTarget, type TargetFlags, type TerminalTarget } from './terminal-target.ts';

export async function withTarget(program: string, access: ServerAccess, pod: string, namespace: string | undefined, flags: TargetFlags, run: (target: TerminalTarget) => Promise<number>): Promise<number> {
  let target: TerminalTarget;
  try {
    // said as kubectl says it, on stderr: which container, and that there are others
    target = await resolveTarget(access, pod, namespace, flags, (container, others) => process.stderr.write(`${program}: container "${container}", the pod's default (it also has ${others.join(', ')}: choose with -c)\n`));
  } catch (error) {
    if (!(error instanceof ServerError)) throw error;
    process.stderr.write(`${program}: ${error.message}\n`);
    return 1;
  }
  return run(target);
}
