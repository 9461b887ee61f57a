// A full disk, for real: a 1 MiB tmpfs, filled to its last page. Needs root for mount, as CI
// has; without it a test fails, it does not skip.
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withTempDir } from './temp-dir.ts';

export async function onTinyDisk(body: (dir: string) => Promise<void>): Promise<void> {
  await withTempDir(async (mountPoint) => {
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m,mode=0700', 'octant-exec-test', mountPoint], { encoding: 'utf8' });
    assert.is(mounted.status, 0, `mount a 1 MiB tmpfs (needs root): ${mounted.stderr}`);
    try {
      await body(mountPoint);
    } finally {
      spawnSync('umount', ['-l', mountPoint]);
    }
  });
}

/** Fills the disk with 4 KiB files until it refuses; returns them, to free space by removing some. */
export function fill(dir: string): string[] {
  mkdirSync(join(dir, 'filler'), { recursive: true });
  const files: string[] = [];
  for (let i = 0; ; i++) {
    const path = join(dir, 'filler', String(i));
    try {
      writeFileSync(path, new Uint8Array(4096));
      files.push(path);
    } catch (error) {
      assert.is((error as NodeJS.ErrnoException).code, 'ENOSPC');
      rmSync(path, { force: true });
      return files;
    }
  }
}
