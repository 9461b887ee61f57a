// A file an upload replaces is replaced only once its new bytes have all come. Tar in the container
// writes straight to DIR/NAME, so an upload cut part-way (Cancel, a dropped connection, a full
// disk) would leave a short file where the good one was. So the file goes under a name of its own
// beside it first (STAGED_PREFIX and random hex: one upload's, never another's, and short enough
// for any NAME's folder), and a second exec, `env LC_ALL=C mv -f -T -- DIR/STAGED DIR/NAME`, renames
// it into place: rename(2), so whoever reads DIR/NAME sees the old file or the new one, and of two
// uploads at once, one wins whole. -T: a symlink at DIR/NAME is replaced, as tar replaced it, never
// followed into a folder it points to. A failed or cancelled upload removes its staged file (`rm -f`,
// best effort: a tar still running after its connection was cut may make it after the rm).
// Argv, never a shell; LC_ALL=C for the words transfer-failure.ts reads.
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { HttpError } from '../replies.ts';
import type { FilesCall } from './files-call.ts';
import { transferFailure } from './transfer-failure.ts';
import { TransferRun, type TransferOutcome, type TransferTarget } from './transfer-run.ts';

export const STAGED_PREFIX = '.octant-exec-upload-';

/** A name of this upload's own for the file on its way. */
export const stagedName = (): string => `${STAGED_PREFIX}${randomBytes(8).toString('hex')}`;

/** How long a cut upload's tar is given to end by itself (its stdin closed) before it is stopped and its staged file removed. */
const STOP_WAIT_MS = 5_000;

/** Runs argv as part of the upload to `dir`: how it ended and what it said. */
async function step(call: FilesCall, target: TransferTarget, dir: string, argv: string[]): Promise<{ outcome: TransferOutcome; stderr: string }> {
  const run = new TransferRun(call.system, target, call.who, { kind: 'upload', path: dir }, argv);
  try {
    const outcome = await run.ended;
    return { outcome, stderr: run.stderr };
  } finally {
    run.close();
  }
}

/** Renames DIR/STAGED to DIR/NAME; throws an HttpError that says what to do (the staged file removed). */
export async function moveIntoPlace(call: FilesCall, target: TransferTarget, dir: string, staged: string, name: string): Promise<void> {
  const dest = posix.join(dir, name);
  const from = posix.join(dir, staged);
  const { outcome, stderr } = await step(call, target, dir, ['env', 'LC_ALL=C', 'mv', '-f', '-T', '--', from, dest]).catch((error: unknown) => {
    // refused before it ran (the most terminals at once ran meanwhile): nor could an rm run, so the whole upload waits where it is
    throw error instanceof HttpError ? new HttpError(error.status, `${error.message} The upload itself came whole and waits as "${from}": rename it to "${name}" in the terminal (mv), or upload again.`) : error;
  });
  if (outcome.kind === 'exited' && outcome.code === 0) return;
  await removeStaged(call, target, dir, staged);
  const where = `container "${target.container}" of pod "${target.pod}"`;
  const noMv = (outcome.kind === 'exited' && outcome.code === 127) || (outcome.kind === 'failed' && outcome.reason === 'commandNotFound') || /invalid option|unrecognized option|unknown option/i.test(stderr);
  if (noMv) {
    const said = stderr.trim().split('\n')[0]?.slice(0, 200);
    throw new HttpError(
      422,
      `The ${where} has tar but no mv that takes -T${said ? ` (${said})` : ''}, which an upload of one file needs to replace "${dest}" only once all of it has come: "${dest}" was left as it was. Copy through a debug container that has both (the page's Debug button, or octant-exec debug ${target.pod} --image busybox:1.36; the target's files are under /proc/1/root there).`,
    );
  }
  throw transferFailure(outcome, stderr, target, dest, 'upload');
}

/** Removes DIR/STAGED, best effort: an image without rm, or a container gone, keeps it. */
export async function removeStaged(call: FilesCall, target: TransferTarget, dir: string, staged: string): Promise<void> {
  try {
    await step(call, target, dir, ['env', 'LC_ALL=C', 'rm', '-f', '--', posix.join(dir, staged)]);
  } catch {
    // refused (429: too many execs) or failed: the staged file stays, under its name no one uses
  }
}

/** Ends a cut upload's tar: its stdin closed, so it ends by itself having written what came (GNU tar: "Unexpected EOF"), else stopped after a while. */
export async function stopTar(run: TransferRun): Promise<void> {
  if (!run.outcome) {
    run.closeStdin();
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([run.ended, new Promise((resolve) => (timer = setTimeout(resolve, STOP_WAIT_MS)))]);
    clearTimeout(timer);
  }
  run.close();
}
