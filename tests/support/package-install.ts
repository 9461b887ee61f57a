// The package as a user gets it: `npm pack` of a copy of this checkout (prepack builds dist/
// there, so the checkout's own dist/ is left alone and a stale one cannot leak in), installed
// with `npm install --offline` into an empty folder, from the npm cache that `npm ci` filled.
//
// The folder gets a package-lock.json that pins the tarball's dependencies as this checkout's
// lock does: without one, npm 11 asks the registry for every dependency's full metadata, which
// `npm ci` never caches (it fetches tarballs by the lock), so an offline install would fail
// for want of network, not for anything in the package.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const checkout = new URL('../..', import.meta.url).pathname;
/** What the build and the package need of the checkout (deno.json: to run the built entry under Deno from the copy; deploy/: the RBAC the sandbox loads; docs/: what --help points to). */
const SOURCES = ['package.json', 'package-lock.json', 'README.md', 'LICENSE', 'deno.json', 'bin', 'scripts', 'src', 'ui', 'deploy', 'docs'];

export interface InstalledPackage {
  /** the copy of the checkout that was packed (with dist/ built in it, and node_modules linked) */
  copy: string;
  tarball: string;
  /** the folder it was installed into */
  folder: string;
  /** node_modules/octant-exec there */
  root: string;
  /** node_modules/.bin/octant-exec there */
  bin: string;
}

/** Packs and installs into `dir` (which the caller removes). */
export async function packAndInstall(dir: string): Promise<InstalledPackage> {
  const copy = join(dir, 'checkout');
  mkdirSync(copy);
  for (const name of SOURCES) cpSync(join(checkout, name), join(copy, name), { recursive: true });
  symlinkSync(join(checkout, 'node_modules'), join(copy, 'node_modules'));
  const out = join(dir, 'tarball');
  mkdirSync(out);
  await run('npm', ['pack', '--pack-destination', out, '--no-audit', '--no-fund'], copy);
  const tarball = join(out, readdirSync(out).find((name) => name.endsWith('.tgz'))!);

  const folder = join(dir, 'installed');
  mkdirSync(folder);
  const manifest = JSON.parse(readFileSync(join(copy, 'package.json'), 'utf8'));
  const spec = `file:${tarball}`;
  writeFileSync(join(folder, 'package.json'), JSON.stringify({ name: 'installed', private: true, dependencies: { [manifest.name]: spec } }));
  writeFileSync(join(folder, 'package-lock.json'), JSON.stringify(lockFor(manifest, spec)));
  await run('npm', ['install', '--offline', '--no-audit', '--no-fund'], folder);
  const root = join(folder, 'node_modules', manifest.name);
  return { copy, tarball, folder, root, bin: join(folder, 'node_modules', '.bin', manifest.name) };
}

interface Manifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  bin?: Record<string, string>;
}

interface LockEntry {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  dev?: boolean;
}

/** A lock with the package from the tarball and, from this checkout's lock, its dependencies and theirs. */
function lockFor(manifest: Manifest, spec: string) {
  const ours = JSON.parse(readFileSync(join(checkout, 'package-lock.json'), 'utf8')).packages as Record<string, LockEntry>;
  const packages: Record<string, object> = {
    '': { name: 'installed', dependencies: { [manifest.name]: spec } },
    [`node_modules/${manifest.name}`]: { version: manifest.version, resolved: spec, dependencies: manifest.dependencies, bin: manifest.bin },
  };
  const wanted = Object.keys(manifest.dependencies ?? {});
  for (let name = wanted.shift(); name !== undefined; name = wanted.shift()) {
    const key = `node_modules/${name}`;
    if (packages[key] || !ours[key]) continue; // an optional one this platform did not install is not in our lock either
    const { dev: _dev, ...entry } = ours[key];
    packages[key] = entry;
    wanted.push(...Object.keys(entry.dependencies ?? {}), ...Object.keys(entry.optionalDependencies ?? {}));
  }
  return { name: 'installed', lockfileVersion: 3, requires: true, packages };
}

/** Runs `command` in `cwd`: its stdout, or an error with the end of its stderr. */
export function run(command: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(command, args, { cwd, timeout: 300_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${command} ${args.join(' ')} in ${cwd}: ${error.message}\n${stderr.slice(-2000)}`)) : resolve(stdout),
    ),
  );
}
