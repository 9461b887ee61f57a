// An exec action: what a user asks for when they click "Shell" or "Exec" (one container or all).
import type { Person } from './person.ts';
import type { ExecTarget } from './target.ts';

export type ShellName = 'sh' | 'bash' | 'zsh' | 'fish';
export const shellNames: readonly ShellName[] = ['sh', 'bash', 'zsh', 'fish'];

/** A shell (`auto` tries the configured shells in order) or an explicit argv. */
export type ExecCommand = { shell: 'auto' | ShellName } | { argv: string[] };

/**
 * What an action does beyond a plain exec of its command in its container (absent: a plain exec).
 * - debug: an ephemeral container of `image`, targeting the chosen container, is added (or a
 *   running one of the same image and target reused) and the terminal runs in it;
 * - copy: a copy of the pod, with the chosen container kept alive and no probes or labels, is
 *   created; the terminal runs in the copy (the action's target), which is deleted when the
 *   terminal closes or times out; `source` names the pod it copies;
 * - attach: the terminal attaches to the container's main process instead of starting one;
 * - upload / download: files in or out at `path` through tar over exec; the bytes flow to an
 *   HTTP request, not to viewers.
 */
export type ActionMode =
  | { kind: 'debug'; image: string }
  | { kind: 'copy'; source?: string }
  | { kind: 'attach' }
  | { kind: 'upload'; path: string }
  /** headersOnly: a HEAD's, which asked what the path is and stopped at tar's first header */
  | { kind: 'download'; path: string; headersOnly?: true };
export type ActionKind = 'exec' | ActionMode['kind'];

export const kindOf = (mode: ActionMode | undefined): ActionKind => mode?.kind ?? 'exec';

/** An upload or a download: its bytes go to one HTTP request, never to a terminal's viewers. */
export const isTransfer = (mode: ActionMode | undefined): mode is Extract<ActionMode, { kind: 'upload' | 'download' }> => mode?.kind === 'upload' || mode?.kind === 'download';

export interface ExecAction {
  target: Omit<ExecTarget, 'container'> & { containers: string[] | 'all' };
  command: ExecCommand;
  interactive: boolean;
  /** without a terminal, stdin all the same (ended by the client's eof) */
  stdin?: true;
  /** who asked, for the audit trail: the signed-in person in team mode, else the kube context's user */
  requestedBy: string;
  /** team mode: the person it is done for; every cluster call for it impersonates them, and they own it */
  person?: Person;
  /** per-action idle timeout override, in ms */
  idleTimeoutMs?: number;
  /** absent: a plain exec */
  mode?: ActionMode;
}

/** The containers of a pod as far as exec is concerned, resolved before the action reaches the supervisor. */
export interface ResolvedExecAction extends Omit<ExecAction, 'target'> {
  target: Omit<ExecTarget, 'container'> & { containers: string[] };
}

export function describeCommand(command: ExecCommand): string {
  return 'argv' in command ? command.argv.join(' ') : command.shell === 'auto' ? 'shell' : command.shell;
}
