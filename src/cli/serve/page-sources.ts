// Whether the page built in a checkout is as new as what it was built from. Run from the sources,
// the page is built once on demand (built-output.ts); after a `git pull` or an edit under ui/ that
// page is old, and serving it would show last week's page with this week's server. So the build
// notes every file it read (esbuild's metafile), and a start builds again when one is newer.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** Writes the list of the files a build read (`inputs`: esbuild's metafile keys, relative to the working directory). */
export function noteSources(list: string, inputs: string[]): void {
  writeFileSync(list, JSON.stringify(inputs.map((input) => resolve(input))));
}

/** No list (built by `npm run build`, or by an older version), a file gone, or one newer than `built`: not up to date. */
export function upToDate(built: string, list: string): boolean {
  try {
    const builtAt = statSync(built).mtimeMs;
    const sources = JSON.parse(readFileSync(list, 'utf8')) as string[];
    return Array.isArray(sources) && sources.length > 0 && sources.every((source) => statSync(source).mtimeMs <= builtAt);
  } catch {
    return false;
  }
}
