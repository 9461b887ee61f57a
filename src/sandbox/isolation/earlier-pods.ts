// The pods of an earlier run on the same state directory. A runtime that ended by itself removed
// them; one that was killed left them, and its holders, whose pipes it held, end on their own a
// moment later, still building a sandbox or writing into a layer meanwhile. Removing the layers
// then would race those processes (a removal that fails on a folder they just wrote into, or that
// follows a symbolic link one swapped in: writable-layer.ts), so the earlier pods are set aside
// under a name no launcher of theirs can find, and removed once no process keeps their run's file
// (`.held-…`) open: every holder's launcher keeps it open while it lives (launcher.ts), and a
// holder's launcher ends only after every process of its PID namespace has ended. What an earlier
// removal could not remove (`.removing-…`: writable-layer.ts) is removed again with them.
import { existsSync, readdirSync, readlinkSync, realpathSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import type { IsolationTools } from './host-tools.ts';
import { REMOVING_PREFIX, removeWritableLayer } from './writable-layer.ts';

/**
 * The file of this run, in its pods folder, that its holders keep open: "." first, so no
 * namespace's name; its own name for each run, so that a killed run's launcher late to open its
 * run's file finds none (not the next run's) and starts nothing.
 */
export const heldFileName = (): string => `.held-${Date.now().toString(36)}-${process.pid}`;
const SET_ASIDE = 'pods.earlier-';
/** How long a later run waits for an earlier one's processes, which end a moment after their runtime. */
const EARLIER_PODS_WAIT_MS = 10_000;

/**
 * Moves `podsDir` (an earlier run's, if any) aside, then removes it and any folder an earlier
 * start set aside or failed to remove, each once no process keeps a file in it open; what is still
 * in use after `waitMs`, or could not be removed, stays, named in the sentence returned (a later
 * start tries again).
 */
export async function removeEarlierPods(tools: Pick<IsolationTools, 'bwrap' | 'rm'>, stateDir: string, podsDir: string, waitMs = EARLIER_PODS_WAIT_MS): Promise<string | undefined> {
  try {
    renameSync(podsDir, join(stateDir, `${SET_ASIDE}${Date.now().toString(36)}-${process.pid}`));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (!existsSync(stateDir)) return undefined; // a first start: nothing earlier
  const earlier = readdirSync(stateDir)
    .filter((name) => name.startsWith(SET_ASIDE) || name.startsWith(REMOVING_PREFIX))
    .map((name) => join(stateDir, name));
  const deadline = Date.now() + waitMs;
  const inUse: string[] = [];
  const left: string[] = [];
  for (const dir of earlier) {
    let holders = processesHolding(dir);
    while (holders.length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      holders = processesHolding(dir);
    }
    if (holders.length > 0) inUse.push(`${dir} (processes ${holders.join(', ')})`);
    else {
      const problem = await removeWritableLayer(tools, dir);
      if (problem) left.push(problem);
    }
  }
  const said = [
    ...(inUse.length > 0 ? [`the pods of an earlier run are still in use by its processes ${waitMs / 1000} s after this start, so their files stay: ${inUse.join('; ')}. End those processes; the next start removes them`] : []),
    ...(left.length > 0 ? [`the pods of an earlier run could not all be removed: ${left.join('; ')}. The next start tries again; or delete ${left.length === 1 ? 'that folder' : 'those folders'} yourself`] : []),
  ];
  return said.length > 0 ? said.join('. ') : undefined;
}

/** Processes of this machine (those this one may look at) with a file under `dir` open. */
export function processesHolding(dir: string): number[] {
  let under: string;
  try {
    // what /proc names is resolved and absolute: a state directory given as `./state`, or through
    // a symbolic link, would otherwise match no process and be removed under its holders
    under = `${realpathSync(dir)}/`;
  } catch {
    return []; // gone: nothing in it is open
  }
  const found: number[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // ended meanwhile, or another user's
    }
    if (fds.some((fd) => holdsFileUnder(`/proc/${pid}/fd/${fd}`, under))) found.push(Number(pid));
  }
  return found;
}

/**
 * Whether open file `link` is a file under `under` as this process sees it. A process in another
 * mount namespace (a container of another sandbox) names its files from its own root, so the path
 * alone could be any file it made there: the file at that path here must be the very one it holds.
 */
function holdsFileUnder(link: string, under: string): boolean {
  try {
    const path = readlinkSync(link);
    if (!path.startsWith(under)) return false;
    const [held, here] = [statSync(link), statSync(path)];
    return held.dev === here.dev && held.ino === here.ino;
  } catch {
    return false; // closed meanwhile, or no such file here
  }
}
