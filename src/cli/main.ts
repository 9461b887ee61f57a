// octant-exec's command line: one entry, one folder per command. With no command (or only flags)
// it serves the browser app. Flags are parsed from each command's spec before its code is
// imported, so --help, --version and bad input answer without loading the server.
import process from 'node:process';
import { COMPLETE_COMMAND, commands } from './commands.ts';
import { parseFlags, unknown } from './flags.ts';
import { columns, renderHelp } from './help.ts';
import { packageVersion } from './package-files.ts';
import { endForOutputError, endOnOutputErrors, isOutputFailure } from './output-errors.ts';
import { isSystemError, systemErrorLine } from './system-error.ts';
import { UsageError } from './usage.ts';

// Deprecation notices from dependencies (punycode, under Deno) tell a user nothing they can act on.
process.noDeprecation = true;

async function main(args: string[]): Promise<number> {
  const named = args[0] !== undefined && !args[0].startsWith('-');
  const name = named ? args[0] : 'serve';
  if (name === COMPLETE_COMMAND) return (await import('./completion/complete-command.ts')).completeCommand(args.slice(1));
  const command = commands[name];
  const program = command && name !== 'serve' ? `octant-exec ${name}` : 'octant-exec';
  try {
    if (!command) throw new UsageError(`${unknown('command', name, Object.keys(commands))}: the commands are ${Object.keys(commands).join(', ')}`);
    if (!named) commandAfterFlags(args);
    const parsed = parseFlags(command.spec, named ? args.slice(1) : args);
    if (parsed.values.help) {
      process.stdout.write(name === 'serve' ? topHelp() : renderHelp(command.spec));
      return 0;
    }
    if (parsed.values.version) {
      process.stdout.write(`octant-exec ${packageVersion()}\n`);
      return 0;
    }
    return await (await command.load())(parsed);
  } catch (error) {
    // the system's refusal of a file or folder given (EACCES, ENOENT, EEXIST, …) says all there is to say in a line
    if (isSystemError(error)) {
      process.stderr.write(`${program}: ${systemErrorLine(error)}\n`);
      return 1;
    }
    // under Deno a write to a file as stdout fails at once (a full disk), where Node emits an error event (output-errors.ts)
    if (isOutputFailure(error)) endForOutputError(process.stdout, error);
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${program}: ${error.message} (see ${program} --help)\n`);
    return 2;
  }
}



/** `octant-exec --sandbox exec web`: a command goes first, and the flags before it are the server's, not its own. */
function commandAfterFlags(args: string[]): void {
  const word = parseFlags({ ...commands.serve.spec, operands: 'pod' }, args).operands[0];
  if (word === undefined) return;
  if (word in commands) throw new UsageError(`"${word}" is a command: put it first, then its own flags (octant-exec ${word} --help)`);
  throw new UsageError(`${unknown('command', word, Object.keys(commands))}: a command goes first, before any flag`);
}

/** The default command's help, then every command. */
function topHelp(): string {
  const list = columns(Object.values(commands).map(({ spec }) => [spec.name, spec.summary]));
  return `${renderHelp(commands.serve.spec)}\nCommands (octant-exec COMMAND --help for each):\n${list}\n`;
}

endOnOutputErrors();
process.exitCode = await main(process.argv.slice(2));
