// dist/THIRD-PARTY-NOTICES.txt: the build bundles code of other projects into dist/, so their
// licenses go with it. Which packages went in comes from esbuild's metafiles; each notice is the
// package's name, version, license and its license file as it ships it.
import type { Metafile } from 'esbuild';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function writeThirdPartyNotices(file: string, metafiles: Metafile[]): number {
  const packages = new Set<string>();
  for (const metafile of metafiles) {
    for (const input of Object.keys(metafile.inputs)) {
      if (/^[\w-]+:/.test(input)) continue; // made by a build plugin, not read from a package
      // the innermost node_modules: a nested copy is a package of its own
      const at = input.lastIndexOf('node_modules/');
      if (at >= 0) packages.add(input.slice(0, at) + /^node_modules\/(@[^/]+\/)?[^/]+/.exec(input.slice(at))![0]);
    }
  }
  const notices = [...packages].sort().map((dir) => {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; version: string; license?: string };
    const licenseFile = readdirSync(dir).find((name) => /^licen[cs]e(\.(md|txt))?$/i.test(name));
    const text = licenseFile && existsSync(join(dir, licenseFile)) ? readFileSync(join(dir, licenseFile), 'utf8').trim() : `(no license file in the package; its package.json says ${manifest.license ?? 'nothing'})`;
    return `${manifest.name} ${manifest.version} (${manifest.license ?? 'unknown license'})\n\n${text}\n`;
  });
  writeFileSync(file, `octant-exec bundles the following packages into dist/.\n\n${notices.join(`\n${'-'.repeat(72)}\n\n`)}`);
  return notices.length;
}
