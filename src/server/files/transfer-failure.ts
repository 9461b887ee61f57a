// Why a transfer did not work, as an HTTP error with a sentence that says what to do: from how
// its exec ended and what `tar` wrote on stderr (GNU tar's and busybox tar's wordings).
import { HttpError } from '../replies.ts';
import type { TransferOutcome, TransferTarget } from './transfer-run.ts';

const statusByReason: Record<string, number> = { forbidden: 403, unauthorized: 401, notFound: 404, containerNotRunning: 409, connection: 502 };

/** `direction`: what tar did there, writing the files (an upload) or reading them (a download) */
export function transferFailure(outcome: TransferOutcome, stderr: string, target: TransferTarget, path: string, direction: 'upload' | 'download'): HttpError {
  const where = `container "${target.container}" of pod "${target.pod}"`;
  // tar runs through env (tar-command.ts): no env is commandNotFound, env without tar its 127
  const noTar = outcome.kind === 'failed' ? outcome.reason === 'commandNotFound' : outcome.kind === 'exited' && outcome.code === 127 && /^env: /m.test(stderr);
  if (noTar) {
    return new HttpError(422, `The ${where} has no tar, which copying files needs (distroless images have none). Add a debug container that has it — the page's Debug button, octant-exec debug ${target.pod} --image busybox:1.36, or POST /api/v1/exec with "mode": {"kind": "debug", "image": "busybox:1.36"} — and copy through it (the target's files are under /proc/1/root there).`);
  }
  if (outcome.kind === 'failed') return new HttpError(statusByReason[outcome.reason] ?? 502, outcome.message);
  if (outcome.kind === 'ended') return new HttpError(outcome.status, outcome.message);
  const said = firstLines(stderr);
  if (/Permission denied|Operation not permitted/i.test(stderr)) {
    if (direction === 'download') return new HttpError(403, `The ${where} may not read all of "${path}" as its user (tar said: ${said}): download what it may read.`);
    return new HttpError(403, `The ${where} may not write "${path}" as its user: choose a path it may use, ${path === '/tmp' || path.startsWith('/tmp/') ? 'such as a folder of its own under /tmp (make one first)' : 'such as /tmp'} (tar said: ${said}).`);
  }
  if (/Not a directory/i.test(stderr)) return new HttpError(409, `A file stands in the ${where} where "${path}" needs a folder: check the path (tar said: ${said}).`);
  // tar words a folder in the way and a file it cannot replace (a mounted one) alike; so does the mv
  // that puts an uploaded file in place (staged-file.ts), each its own way
  if (/File exists|cannot overwrite directory|Is a directory|Device or resource busy/i.test(stderr)) {
    return new HttpError(409, `The copy would put a file where the ${where} has a folder, or a file that cannot be replaced (a mounted one, such as a ConfigMap's or /etc/hosts) (tar said: ${said}): to copy into a folder, name the folder as the destination (octant-exec cp: end it with "/"); a mounted file is changed where it comes from.`);
  }
  if (/No space left on device|Disk quota exceeded/i.test(stderr)) return new HttpError(507, `No space left in the ${where} at "${path}": free some space or choose another path (tar said: ${said}).`);
  if (/Read-only file system/i.test(stderr)) return new HttpError(409, `"${path}" is on a read-only file system in the ${where}: choose a writable path such as /tmp (tar said: ${said}).`);
  if (/No such file or directory|Cannot stat/i.test(stderr)) {
    // a download's path, or an upload's folder, that is not there; a name tar could not make in a
    // folder that is there (/proc takes no new files: ENOENT too) is a write that failed, not a missing folder
    if (direction === 'download' || saidOfFolder(stderr, path)) return new HttpError(404, `"${path}" does not exist in the ${where}: check the path (tar said: ${said}).`);
    return new HttpError(409, `The copy could not be written in "${path}" in the ${where} (tar said: ${said}): some folders (such as /proc and /sys) take no new files; choose another path, such as /tmp.`);
  }
  const code = outcome.kind === 'exited' ? outcome.code : -1;
  return new HttpError(502, `tar in the ${where} exited with ${code}${said ? `: ${said}` : ' and said nothing'}.`);
}

/** tar said "No such file or directory" of the folder it was to write in (`-C PATH`): GNU tar "tar: PATH: Cannot open: …", busybox "can't change directory to 'PATH'". */
function saidOfFolder(stderr: string, path: string): boolean {
  return stderr.split('\n').some((line) => /No such file or directory/i.test(line) && (line.startsWith(`tar: ${path}: `) || line.includes(`can't change directory to '${path}'`)));
}

function firstLines(text: string): string {
  const lines = text.split('\n').map((line) => line.trim()).filter((line) => line && !/Exiting with failure status/.test(line));
  const joined = lines.slice(0, 3).join(' / ');
  return joined.length > 300 ? `${joined.slice(0, 300)}…` : joined;
}
