// Every command of octant-exec: its spec (plain data: the help, the errors and the completion
// come from it) and its code, imported only when the command runs, so each command loads only
// what it uses and --help or bad input answer at once.
import { batchSpec } from './batch/batch-spec.ts';
import { completionSpec } from './completion/completion-spec.ts';
import { cpSpec } from './cp/cp-spec.ts';
import { attachSpec } from './terminal/attach-spec.ts';
import { debugSpec } from './terminal/debug-spec.ts';
import { execSpec } from './terminal/exec-spec.ts';
import type { CommandSpec, ParsedArgs } from './flags.ts';
import { logSpec } from './log/log-spec.ts';
import { octantSpec } from './octant/octant-spec.ts';
import { peopleSpec } from './people/people-spec.ts';
import { sandboxSpec } from './sandbox/sandbox-spec.ts';
import { serveSpec } from './serve/serve-spec.ts';
import { signInSpec } from './sign-in/sign-in-spec.ts';
import { signOutSpec } from './sign-in/sign-out-spec.ts';

type Run<S extends CommandSpec> = (parsed: ParsedArgs<S>) => Promise<number>;

export interface Command {
  spec: CommandSpec;
  load(): Promise<Run<CommandSpec>>;
}

function command<S extends CommandSpec>(spec: S, load: () => Promise<Run<S>>): Command {
  return { spec, load: load as Command['load'] };
}

/** The default command is the first. */
export const commands: Record<string, Command> = {
  serve: command(serveSpec, async () => (await import('./serve/serve-command.ts')).serveCommand),
  batch: command(batchSpec, async () => (await import('./batch/batch-command.ts')).batchCommand),
  sandbox: command(sandboxSpec, async () => (await import('./sandbox/sandbox-command.ts')).sandboxCommand),
  exec: command(execSpec, async () => (await import('./terminal/exec-command.ts')).execCommand),
  attach: command(attachSpec, async () => (await import('./terminal/attach-command.ts')).attachCommand),
  debug: command(debugSpec, async () => (await import('./terminal/debug-command.ts')).debugCommand),
  cp: command(cpSpec, async () => (await import('./cp/cp-command.ts')).cpCommand),
  people: command(peopleSpec, async () => (await import('./people/people-command.ts')).peopleCommand),
  'sign-in': command(signInSpec, async () => (await import('./sign-in/sign-in-command.ts')).signInCommand),
  'sign-out': command(signOutSpec, async () => (await import('./sign-in/sign-out-command.ts')).signOutCommand),
  log: command(logSpec, async () => (await import('./log/log-command.ts')).logCommand),
  octant: command(octantSpec, async () => (await import('./octant/octant-command.ts')).octantCommand),
  completion: command(completionSpec, async () => (await import('./completion/completion-command.ts')).completionCommand),
};

/** What the shell completion scripts call: `octant-exec __complete WORD…` (not listed in the help). */
export const COMPLETE_COMMAND = '__complete';
