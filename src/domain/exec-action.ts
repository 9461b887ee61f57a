// An exec action: what a user asks for when they click "Shell" or "Exec" (one container or all).
import type { Person } from './person.ts';
import type { ExecTarget } from './target.ts';

export type ShellName = 'sh' | 'bash' | 'zsh' | 'fish';
export const shellNames: readonly ShellName[] = ['sh', 'bash', 'zsh', 'fish'];

/** A shell (`auto` tries the configured shells in order) or an explicit argv. */
export type ExecCommand = { shell: 'auto' | ShellName } | { argv: string[] };

export interface ExecAction {
  target: Omit<ExecTarget, 'container'> & { containers: string[] | 'all' };
  command: ExecCommand;
  interactive: boolean;
  /** who asked, for the audit trail: the signed-in person in team mode, else the kube context's user */
  requestedBy: string;
  /** team mode: the person it is done for; every cluster call for it impersonates them, and they own it */
  person?: Person;
  /** per-action idle timeout override, in ms */
  idleTimeoutMs?: number;
}

/** The containers of a pod as far as exec is concerned, resolved before the action reaches the supervisor. */
export interface ResolvedExecAction extends Omit<ExecAction, 'target'> {
  target: Omit<ExecTarget, 'container'> & { containers: string[] };
}

export function describeCommand(command: ExecCommand): string {
  return 'argv' in command ? command.argv.join(' ') : command.shell === 'auto' ? 'shell' : command.shell;
}
