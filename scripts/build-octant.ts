// Builds the Octant plugin: one ES5 file, dist/octant/octant-exec.js, that defines the global
// `_octantPlugin` Octant instantiates. The server URL is baked in from OCTANT_EXEC_URL.
import { build } from 'esbuild';
import process from 'node:process';

export const defaultServerUrl = 'http://127.0.0.1:7788';

export async function buildOctantPlugin(outfile = 'dist/octant/octant-exec.js', serverUrl = process.env.OCTANT_EXEC_URL ?? defaultServerUrl): Promise<string> {
  if (!/^https?:\/\/[^\s"'\\]+$/.test(serverUrl)) throw new Error(`OCTANT_EXEC_URL must be an http(s) URL, not ${JSON.stringify(serverUrl)}`);
  await build({
    entryPoints: ['src/octant/plugin.ts'],
    outfile,
    bundle: true,
    format: 'iife',
    globalName: '__octantExec',
    // esbuild fails the build on any syntax newer than ES5, so the rule cannot be broken silently
    target: 'es5',
    define: { OCTANT_EXEC_URL: JSON.stringify(serverUrl) },
    footer: { js: 'var _octantPlugin = __octantExec.ExecPlugin;' },
    logLevel: 'warning',
  });
  return outfile;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = await buildOctantPlugin();
  console.log(`built ${file}`);
}
