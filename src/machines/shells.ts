// Which argv a terminal runs, and what to say when no shell is there. Pure functions.
import type { ExecCommand, ShellName } from '../domain/exec-action.ts';

/** `auto` tries these, in order, unless configured otherwise. */
export const defaultAutoShells: readonly ShellName[] = ['bash', 'sh'];

/** The argv of every attempt a command allows: several for `auto`, one otherwise. */
export function attemptsFor(command: ExecCommand, autoShells: readonly ShellName[]): string[][] {
  if ('argv' in command) return [command.argv];
  const shells = command.shell === 'auto' ? autoShells : [command.shell];
  return shells.map((shell) => [shell]);
}

/**
 * The sentence shown when the last attempt found no executable. Its words are in the log's
 * session.failed facts, which a replay derives again and compares: changed words would make every
 * older log diverge (tests/runtime/snapshot-start.test.ts replays 0.1.0's).
 */
export function commandNotFoundMessage(command: ExecCommand, tried: string[], container: string): string {
  if ('argv' in command) {
    return `"${command.argv[0]}" was not found in container "${container}". Check the command's name, or open a shell to look around.`;
  }
  if (command.shell === 'auto') {
    return `No shell found in container "${container}": tried ${tried.join(', ')}. The image may have no shell (distroless): run a specific command instead, or use Debug, which adds a debug container with a shell that sees this container's processes and files.`;
  }
  return `${command.shell} is not installed in container "${container}". Choose another shell, or Auto to try ${defaultAutoShells.join(' then ')}.`;
}
