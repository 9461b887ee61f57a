// octant-exec's command line: one entry, one file per subcommand.
import process from 'node:process';

type Subcommand = (args: string[]) => Promise<number>;

const subcommands: Record<string, () => Promise<Subcommand>> = {
  sandbox: async () => (await import('./sandbox-command.ts')).sandboxCommand,
  batch: async () => (await import('./batch-command.ts')).batchCommand,
};

const [first, ...rest] = process.argv.slice(2);
const load = first && subcommands[first];
if (!load) {
  console.error(first ? `octant-exec: unknown command "${first}"; try: ${Object.keys(subcommands).join(', ')}` : 'octant-exec: the server arrives with issue #4; for now try: octant-exec sandbox --help');
  process.exit(2);
}
process.exitCode = await (await load())(rest);
