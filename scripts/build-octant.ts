// Builds the Octant plugin: one ES5 file, dist/octant/octant-exec.js, that defines the global
// `_octantPlugin` Octant instantiates. Its first line sets the octant-exec address (default
// http://127.0.0.1:7788); `octant-exec octant install --url` rewrites it. Only this script run by
// hand (`npm run build:octant`) takes OCTANT_EXEC_URL: the package's build (`npm run build`, `npm
// pack`) must not bake in whatever address the shell that packs it happens to export.
import { build } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import process from 'node:process';
import { checkServerUrl, defaultServerUrl, pluginWithUrl } from '../src/octant/plugin-file.ts';

export async function buildOctantPlugin(outfile = 'dist/octant/octant-exec.js', serverUrl = defaultServerUrl): Promise<string> {
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
  // an output file may be named (the tests build elsewhere than dist/)
  const file = await buildOctantPlugin(process.argv[2], process.env.OCTANT_EXEC_URL ?? defaultServerUrl);
  console.log(`built ${file}`);
}
