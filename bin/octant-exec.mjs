#!/usr/bin/env node
// `octant-exec`: runs the built command line, dist/cli/main.js (made by `npm run build`, shipped
// in the package): plain JavaScript, nothing compiled at start. In a checkout, `npm start` runs
// the TypeScript sources instead. A build that is missing or damaged gets one sentence naming the
// file, not a module-resolution trace. (Source maps are next to every built file: with
// NODE_OPTIONS=--enable-source-maps, stack traces name the TypeScript sources. They are not on
// by default: reading them costs a start about 80 ms.)
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

// An older Node would fail somewhere inside with a sentence about undefined: say what it needs
// (package.json's engines, >=MAJOR.MINOR, the one place the floor is written; the package tests
// fail on another shape). Under Deno, process.versions.node is not a Node's: no floor there.
const floor = /^>=(\d+)\.(\d+)$/.exec(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).engines?.node ?? '');
const [major, minor] = process.versions.node.split('.').map(Number);
if (!process.versions.deno && floor && (major < Number(floor[1]) || (major === Number(floor[1]) && minor < Number(floor[2])))) {
  process.stderr.write(`octant-exec: needs Node.js ${floor[1]}.${floor[2]} or later, and this is Node.js ${process.versions.node} (${process.execPath}): install a newer Node.js (https://nodejs.org)\n`);
  process.exit(1);
}

try {
  await import(new URL('../dist/cli/main.js', import.meta.url).href);
} catch (error) {
  const missing = error?.code === 'ERR_MODULE_NOT_FOUND' && /Cannot find (?:module|package) '([^']+)'/.exec(error.message)?.[1];
  if (!missing && !(error instanceof SyntaxError)) throw error;
  const what = missing ? `${missing.startsWith('/') ? missing : `the package ${missing}`} is missing` : `${damagedFile() ?? 'a built file'} is damaged (${error.message})`;
  const checkout = existsSync(new URL('../src/cli/main.ts', import.meta.url));
  const remedy = checkout ? 'run `npm run build` in this checkout (or `npm start`, which runs the sources)' : 'install octant-exec again';
  process.stderr.write(`octant-exec: the built program is incomplete: ${what}; ${remedy}\n`);
  process.exitCode = 1;
}

/** The built file that does not parse (a SyntaxError of an ES module does not say which). */
function damagedFile() {
  const dir = fileURLToPath(new URL('../dist/cli/', import.meta.url));
  const files = readdirSync(dir).filter((name) => name.endsWith('.js'));
  return files.map((name) => dir + name).find((file) => spawnSync(process.execPath, ['--check', file]).status !== 0);
}
