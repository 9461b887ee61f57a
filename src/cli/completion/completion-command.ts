// `octant-exec completion bash|zsh`: prints the script to load in the shell.
import process from 'node:process';
import type { ParsedArgs } from '../flags.ts';
import { UsageError } from '../usage.ts';
import { completionScripts } from './completion-scripts.ts';
import type { completionSpec } from './completion-spec.ts';

export async function completionCommand({ subcommand, operands }: ParsedArgs<typeof completionSpec>): Promise<number> {
  if (operands.length) throw new UsageError(`completion ${subcommand} takes no arguments, not "${operands.join(' ').slice(0, 60)}"`);
  process.stdout.write(completionScripts[subcommand as keyof typeof completionScripts]);
  return 0;
}
