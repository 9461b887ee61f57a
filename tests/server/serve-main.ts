// Runs `octant-exec` (the serve command) as its own process, for the CLI tests.
import process from 'node:process';
import { serveCommand } from '../../src/cli/serve-command.ts';

process.exit(await serveCommand(process.argv.slice(2)));
