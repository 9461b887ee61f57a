// What a typed command line will run, in words: the argv it splits into (the documented rule,
// src/domain/command-line.ts), or why it cannot be split. Shared by the Exec and batch dialogs.
import type { SplitResult } from '../../src/domain/command-line.ts';

export function argvPreview(parsed: SplitResult | undefined, whenEmpty: string): string {
  if (parsed === undefined) return whenEmpty;
  if ('error' in parsed) return parsed.error;
  return `Runs argv: [${parsed.argv.map((w) => JSON.stringify(w)).join(', ')}], never through a shell.`;
}
