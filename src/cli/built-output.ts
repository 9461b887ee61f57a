// Files of the build output (dist/): shipped in the package, made by `npm run build` in a
// checkout. Run from the sources of a checkout that was never built, a missing one is built on
// demand by the repository's own script, which only this path imports: it needs esbuild, a
// development dependency, and the package has no scripts/.
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { packagePath, runningFromSource } from './package-files.ts';

/**
 * The path of `file` (relative to the package), built first from source when it is missing, or
 * (run from source) when `upToDate` says its sources changed since. `build` gets the module of
 * `script` (a path in the repository).
 */
export async function builtOutput<M>(file: string, what: string, script: string, build: (module: M) => Promise<unknown>, upToDate?: () => boolean): Promise<string> {
  const path = packagePath(file);
  const there = existsSync(path);
  if (there && (!runningFromSource || !upToDate || upToDate())) return path;
  if (!runningFromSource) throw new Error(`${what} is missing: there is no ${path} (an incomplete install: install octant-exec again)`);
  console.error(`octant-exec: building ${what} ${there ? 'again, to match its sources' : '(first use in this checkout)'}…`);
  try {
    // a URL in a variable: a bundler must not follow it into the package
    await build((await import(pathToFileURL(packagePath(script)).href)) as M);
  } catch (error) {
    if (!there) throw error;
    // a source half edited: the one built before still works
    console.error(`octant-exec: WARNING: ${what} could not be built again (${(error as Error).message.split('\n')[0]}): serving the one built before`);
  }
  return path;
}
