// A process limit per pod, so that a fork bomb in one container stops at the limit instead of
// taking the machine. Where this process may make cgroups (root, with the pids controller of
// cgroup v2 or v1), each pod gets one with pids.max. Elsewhere every exec gets RLIMIT_NPROC,
// which Linux counts per user namespace, so per pod; root is exempt from that limit, which is why
// root needs the cgroup. With neither, start-up says so. The cgroup that holds the pods' own has a
// limit too, so that fork bombs in many pods at once (anyone who may create pods can make more)
// still leave this machine half its process ids.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';

const V2_ROOT = '/sys/fs/cgroup';
const V1_PIDS_ROOT = '/sys/fs/cgroup/pids';
const PREFIX = 'octant-exec-sandbox-';

/** How a pod's processes are kept under its limit: join a cgroup, or carry an rlimit. */
export interface PodPids {
  /** cgroup.procs of the pod's cgroup, for every process of the pod to join first */
  cgroupProcs?: string;
  /** RLIMIT_NPROC for every exec */
  nproc?: number;
}

export class PidsLimit {
  readonly kind: 'cgroup' | 'rlimit' | 'none';
  private readonly root: string | undefined;

  private constructor(readonly limit: number, root: string | undefined) {
    this.root = root;
    this.kind = root ? 'cgroup' : process.getuid?.() !== 0 ? 'rlimit' : 'none';
  }

  static create(limit: number): PidsLimit {
    return new PidsLimit(limit, makeOwnCgroup());
  }

  get warning(): string | undefined {
    if (this.kind !== 'none') return undefined;
    return 'no per-pod process limit: running as root without a writable pids cgroup, so a fork bomb in a sandbox container can exhaust this machine';
  }

  /** The pod's limit, its cgroup made if this limit uses cgroups. */
  forPod(podKey: string): PodPids {
    if (!this.root) return this.kind === 'rlimit' ? { nproc: this.limit } : {};
    const dir = join(this.root, podKey);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'pids.max'), String(this.limit));
    return { cgroupProcs: join(dir, 'cgroup.procs') };
  }

  /** Removes the pod's cgroup once its last process is gone (the kernel refuses before). */
  async releasePod(podKey: string): Promise<void> {
    if (this.root) await removeCgroup(join(this.root, podKey));
  }

  async close(): Promise<void> {
    if (!this.root) return;
    for (const pod of readdirSync(this.root, { withFileTypes: true })) if (pod.isDirectory()) await removeCgroup(join(this.root, pod.name));
    await removeCgroup(this.root);
  }
}

/** A cgroup of this process's own (with its pod children able to use pids.max), or undefined. */
function makeOwnCgroup(): string | undefined {
  if (process.getuid?.() !== 0) return undefined; // a user's delegated subtree holds its own processes: not worth the contortions
  const name = `${PREFIX}${process.pid}-${Date.now().toString(36)}`;
  try {
    if (readFirstLine(join(V2_ROOT, 'cgroup.controllers'))?.split(' ').includes('pids')) {
      removeStale(V2_ROOT);
      const dir = join(V2_ROOT, name);
      mkdirSync(dir);
      writeFileSync(join(dir, 'cgroup.subtree_control'), '+pids');
      writeFileSync(join(dir, 'pids.max'), String(sandboxWideLimit()));
      return dir;
    }
    if (existsSync(join(V1_PIDS_ROOT, 'cgroup.procs'))) {
      removeStale(V1_PIDS_ROOT);
      const dir = join(V1_PIDS_ROOT, name);
      mkdirSync(dir);
      writeFileSync(join(dir, 'pids.max'), String(sandboxWideLimit()));
      return dir;
    }
  } catch {
    // read-only cgroupfs (a container), no pids controller: fall back
  }
  return undefined;
}

/** Half the process ids (and threads) this machine has: every pod together takes no more. */
export function sandboxWideLimit(): number {
  const most = Math.min(...['/proc/sys/kernel/pid_max', '/proc/sys/kernel/threads-max'].map((file) => Number(readFirstLine(file))).filter((n) => n > 0));
  return Number.isFinite(most) ? Math.floor(most / 2) : 16_384;
}

/** Cgroups left by sandboxes that were killed (their pid in the name is gone), if empty. */
function removeStale(root: string): void {
  for (const entry of readdirSync(root)) {
    const owner = Number(new RegExp(`^${PREFIX}(\\d+)-`).exec(entry)?.[1]);
    if (!owner || existsSync(`/proc/${owner}`)) continue;
    try {
      for (const pod of readdirSync(join(root, entry), { withFileTypes: true })) if (pod.isDirectory()) rmdirSync(join(root, entry, pod.name));
      rmdirSync(join(root, entry));
    } catch {
      // something still runs in it: leave it
    }
  }
}

async function removeCgroup(dir: string): Promise<void> {
  // Processes of a PID namespace whose init was killed leave the cgroup a moment later, and
  // cgroup v1 has no event for "empty": try again for up to a second.
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      rmdirSync(dir);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

function readFirstLine(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').split('\n')[0];
  } catch {
    return undefined;
  }
}
