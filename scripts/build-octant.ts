// Builds the Octant plugin: one ES5 file, dist/octant/octant-exec.js, that defines the global
// `_octantPlugin` Octant instantiates. Its first line sets the octant-exec address, from
// OCTANT_EXEC_URL (default http://127.0.0.1:7788); `octant-exec octant install --url` rewrites it.
import { build } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import process from 'node:process';
import { checkServerUrl, defaultServerUrl, pluginWithUrl } from '../src/octant/plugin-file.ts';

export async function buildOctantPlugin(outfile = 'dist/octant/octant-exec.js', serverUrl = process.env.OCTANT_EXEC_URL ?? defaultServerUrl): Promise<string> {
  checkServerUrl(serverUrl);
  const result = await build({
    // found from this script, not from the working directory: `octant install` builds it from wherever it runs
    entryPoints: [fileURLToPath(new URL('../src/octant/plugin.ts', import.meta.url))],
    write: false,
    bundle: true,
    format: 'iife',
    globalName: '__octantExec',
    // esbuild fails the build on any syntax newer than ES5, so the rule cannot be broken silently
    target: 'es5',
    footer: { js: 'var _octantPlugin = __octantExec.ExecPlugin;' },
    logLevel: 'warning',
  });
  mkdirSync(dirname(outfile), { recursive: true });
  writeFileSync(outfile, pluginWithUrl(result.outputFiles[0].text, serverUrl));
  return outfile;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = await buildOctantPlugin();
  console.log(`built ${file}`);
}
