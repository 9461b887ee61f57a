// The command line as the tests run it under Node: bundled once per run from this checkout's
// sources by the package's own build (scripts/build-cli.ts), then run as the installed package
// runs, not through tsx. tsx hooks every module a process loads, client-node's hundreds too: a
// `serve` took 8 to 9 s to its ready line on the busy 2-core machine, the bundle 1 to 2 s. Deno
// runs the sources as they are. The bundle sits in dist/ (two folders below the checkout's root,
// as dist/cli does: it finds dist/ui and node_modules from there), named by the runner's pid; it
// goes when the run ends, and one a killed run left goes at the next run's start.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { packagePath } from '../../src/cli/package-files.ts';

const ENV = 'OCTANT_EXEC_TEST_CLI';
const PREFIX = 'cli-test-';

/** The bundle's entry when the runner made one (Node), else undefined: run the sources. */
export function testCliBundle(): string | undefined {
  return process.env[ENV] || undefined;
}

/** Builds the bundle (and the page it serves, when its sources changed) for this run's workers; returns the way to remove it. */
export async function prepareCliBundle(): Promise<() => void> {
  // loaded here alone (esbuild): a test that runs the command line only reads the environment
  const [{ buildCli }, { pageDir }] = await Promise.all([import('../../scripts/build-cli.ts'), import('../../src/cli/serve/page-dir.ts')]);
  removeBundlesOfEndedRuns();
  await pageDir(); // a bundle serves dist/ui as it is, as the package does
  const dir = packagePath(`dist/${PREFIX}${process.pid}`);
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    await buildCli(dir);
  } catch (error) {
    remove(); // what a failed build wrote (a Ctrl-C ends esbuild's process too)
    throw error;
  }
  process.env[ENV] = join(dir, 'main.js');
  return remove;
}

function removeBundlesOfEndedRuns(): void {
  let names: string[] = [];
  try {
    names = readdirSync(packagePath('dist')).filter((name) => name.startsWith(PREFIX));
  } catch {
    return; // no dist/ yet
  }
  for (const name of names) {
    const pid = Number(name.slice(PREFIX.length));
    if (Number.isInteger(pid) && pid > 0 && !isRunning(pid)) rmSync(packagePath(`dist/${name}`), { recursive: true, force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
