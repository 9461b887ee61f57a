// bench/server-process.ts bundled as the CLI is built (scripts/build-cli.ts), for the memory
// readings (bench/idle-heap.ts --built). Under tsx every named function of the server carries a
// property dictionary of its own (about 255 bytes: tsx transforms with esbuild's keepNames, which
// re-defines each function's `name`), and an idle terminal holds dozens of them; the installed
// program (dist/cli) is built without keepNames, as is this.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { requireShim } from '../scripts/build-cli.ts';

/** Two folders below the package's root, as dist/cli is: the server finds dist/ui from there. */
const outdir = join(process.cwd(), 'dist', 'bench-server');

/** Builds the server process; resolves with its file and a way to remove it. */
export async function builtServerProcess(): Promise<{ path: string; remove: () => void }> {
  const path = join(outdir, 'server-process.mjs');
  await build({
    entryPoints: ['bench/server-process.ts'],
    outfile: path,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    banner: { js: requireShim },
    // native or optional: found in node_modules at run time, as the CLI's build leaves them
    external: ['bufferutil', 'utf-8-validate', '@lydell/node-pty', 'pg-native'],
    logLevel: 'warning',
  });
  return { path, remove: () => rmSync(outdir, { recursive: true, force: true }) };
}
