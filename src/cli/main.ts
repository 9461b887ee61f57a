// octant-exec's command line: one entry, one file per subcommand. With no subcommand (or only
// flags) it serves the browser app.
import process from 'node:process';

// Deprecation notices from dependencies (punycode, under Deno) tell a user nothing they can act on.
process.noDeprecation = true;

type Subcommand = (args: string[]) => Promise<number>;

const subcommands: Record<string, () => Promise<Subcommand>> = {
  serve: async () => (await import('./serve-command.ts')).serveCommand,
  batch: async () => (await import('./batch-command.ts')).batchCommand,
  sandbox: async () => (await import('./sandbox-command.ts')).sandboxCommand,
  log: async () => (await import('./log-command.ts')).logCommand,
};

const args = process.argv.slice(2);
const named = args[0] !== undefined && !args[0].startsWith('-');
const name = named ? args[0] : 'serve';
const load = subcommands[name];
if (!load) {
  console.error(`octant-exec: unknown command "${name}"; the commands are ${Object.keys(subcommands).join(', ')} (octant-exec COMMAND --help)`);
  process.exit(2);
}
process.exitCode = await (await load())(named ? args.slice(1) : args);
