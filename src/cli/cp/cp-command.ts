// `octant-exec cp SRC DST`: kubectl cp's syntax, through a running server's file routes
// (docs/api.md, "Files"). Up: the local file or directory as a tar, placed as kubectl cp places it
// (upload-placement.ts), after asking what DST is in the container, as kubectl cp runs `test -d`.
// Down: a file is written as it arrives, beside DST, checked against its announced length and
// only then put in DST's place (through a symlink there, to what it points to), so a failed or
// interrupted download leaves no partial file and an earlier DST as it was; a directory arrives
// as a .tar.gz and is extracted safely into DST (created if missing), holding the directory's
// contents as kubectl cp does, each of its files put in place the same way (safe-extract.ts).
// A file that changed while it was read, either way, is copied as read and said (changed-files.ts).
// SRC given as a symlink is followed, as cp -H does (a symlink inside a folder stays a symlink).
// No namespace given: the one of the server's context (server-namespace.ts), as kubectl takes its own.
import { createWriteStream, fstatSync, promises as fs, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { posix } from 'node:path';
import process from 'node:process';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { folderContents, localEntries } from '../../files/local-entries.ts';
import { clearPart, partFile, putInPlace, removePart, saidOfTarget, type PartIdentity } from '../../files/part-file.ts';
import { TarError } from '../../files/tar-error.ts';
import { CHANGED_TRAILER, decodedTrailer, FAILURE_TRAILER, OUTCOME_HEADER, readChangedTrailer, SIZE_HEADER, type ChangedFiles } from '../../protocol/download-outcome.ts';
import { writeTar } from '../../files/tar-writer.ts';
import type { ParsedArgs } from '../flags.ts';
import { UsageError } from '../usage.ts';
import { copySpec, type RemoteSpec } from './cp-args.ts';
import { extractDownload } from './download-archive.ts';
import { tellLeftOut } from './left-out.ts';
import { CHANGED_STATUS, tellChanged, type ChangedCopy } from './changed-files.ts';
import { removingPartsOnSignal } from './parts-on-signal.ts';
import { PlacementError, remoteTarget, uploadPlacement, type RemoteKind } from './upload-placement.ts';
import type { cpSpec } from './cp-spec.ts';
import { serverAccess } from '../server/server-access.ts';
import { callServer, ServerError, serverText, type ServerAccess } from '../server/server-client.ts';
import { makeFolders } from '../make-folders.ts';
import { serverNamespace } from '../server/server-namespace.ts';
import { oneNamespace } from '../one-namespace.ts';

type Values = ParsedArgs<typeof cpSpec>['values'];

export async function cpCommand({ values, operands }: ParsedArgs<typeof cpSpec>): Promise<number> {
  if (operands.length !== 2) throw new UsageError('give a source and a destination: octant-exec cp SRC DST');
  const [from, to] = operands.map(copySpec);
  if ('remote' in from === 'remote' in to) throw new UsageError('one of SRC and DST must be in a container ([NAMESPACE/]POD:PATH) and the other local');
  for (const spec of [from, to]) if ('remote' in spec) oneNamespace(spec.remote.namespace, values.namespace);
  const access = serverAccess(values);
  try {
    let changed: ChangedCopy | undefined;
    if ('remote' in to && 'local' in from) changed = await upload(access, values, from.local, to.remote);
    else if ('remote' in from && 'local' in to) changed = await download(access, values, from.remote, to.local);
    if (!changed) return 0;
    tellChanged(changed);
    return CHANGED_STATUS;
  } catch (error) {
    if (!(error instanceof ServerError || error instanceof TarError || error instanceof PlacementError || (error as NodeJS.ErrnoException).code)) throw error;
    process.stderr.write(`octant-exec cp: ${(error as Error).message}\n`);
    return 1;
  }
}

/** `remote` with its namespace: as given (-n agrees: checked above), else -n, else the server's context's */
async function withNamespace(access: ServerAccess, values: Values, remote: RemoteSpec): Promise<Required<RemoteSpec>> {
  return { ...remote, namespace: remote.namespace ?? values.namespace ?? (await serverNamespace(access, values.context)) };
}

function where(values: Values, remote: Required<RemoteSpec>, path: string): Record<string, string | undefined> {
  return { context: values.context, namespace: remote.namespace, pod: remote.pod, container: values.container, path };
}

/** Resolves with the local files that changed while they were sent, if any. */
async function upload(access: ServerAccess, values: Values, local: string, given: RemoteSpec): Promise<ChangedCopy | undefined> {
  // a missing source (a dangling symlink too) says so before the server is asked; a symlink is
  // followed (cp -H): what it points to goes, under the name SRC gives it
  const source = await fs.stat(local);
  const read = await fs.realpath(local);
  const path = remoteTarget(absolute(given.path));
  const remote = await withNamespace(access, values, given);
  const kind = path === '/' ? 'folder' : await remoteKind(access, values, remote, path);
  const { dir, name } = uploadPlacement(local, remote.path, kind, source.isDirectory());
  const changed: string[] = [];
  const report = { skipped: (entry: string, why: string) => process.stderr.write(`octant-exec cp: skipped ${serverText(entry)}: ${why}\n`), changed: (file: string) => changed.push(file) };
  const stream = Readable.from(writeTar(name === undefined ? folderContents(read, '', report) : localEntries(read, name, report)));
  // answered once tar has taken it all, which a slow volume may stall: the server's idle timeout bounds that wait, not ours
  const res = await callServer({ ...access, answerWaitMs: 0 }, 'POST', '/api/v1/files/upload', where(values, remote, dir), { type: 'application/x-tar', stream });
  let answer = '';
  for await (const chunk of res) if (answer.length < 16_384) answer += chunk;
  tellLeftOut(skippedIn(answer));
  return changed.length > 0 ? { count: changed.length, names: changed, readBy: 'cp' } : undefined;
}

/**
 * What `path` is in the container: a HEAD of its download (tar's first header, a symlink followed).
 * A refusal the upload would meet again is left to it, which says why (a HEAD's answer has no
 * sentence); one that may pass (a busy or failing server, a cut connection) stops the copy, which
 * would otherwise land somewhere else than meant.
 */
async function remoteKind(access: ServerAccess, values: Values, remote: Required<RemoteSpec>, path: string): Promise<RemoteKind> {
  try {
    const res = await callServer(access, 'HEAD', '/api/v1/files/download', where(values, remote, path));
    res.resume();
    return res.headers['content-type'] === 'application/gzip' ? 'folder' : 'file';
  } catch (error) {
    if (!(error instanceof ServerError)) throw error;
    if (error.status !== undefined && error.status < 500 && error.status !== 408 && error.status !== 429) return undefined;
    throw new ServerError(`could not tell whether ${path} is a folder in the container, which decides where the copy goes (${error.message}): try again`);
  }
}

/** The upload answer's count of entries left out; none said when it is not the API's answer. */
function skippedIn(answer: string): number {
  try {
    return Number((JSON.parse(answer) as { skipped?: unknown }).skipped) || 0;
  } catch {
    return 0;
  }
}

/** Resolves with the files that changed while the container's tar read them, if any. */
async function download(access: ServerAccess, values: Values, given: RemoteSpec, local: string): Promise<ChangedCopy | undefined> {
  const path = absolute(given.path).replace(/(.)\/\.$/, '$1'); // "DIR/." is DIR, whose contents a download brings anyway
  const remote = await withNamespace(access, values, given);
  const res = await callServer(access, 'GET', '/api/v1/files/download', where(values, remote, path), undefined, { TE: 'trailers', [OUTCOME_HEADER]: 'trailers' });
  /** tar names what changed under the path's folder */
  const changedCopy = (changed: ChangedFiles | undefined): ChangedCopy | undefined => changed && { count: changed.count, names: changed.names.map((name) => posix.join(posix.dirname(path), name)), readBy: 'tar' };
  if (res.headers['content-type'] === 'application/gzip') {
    try {
      folderTarget(local);
    } catch (error) {
      res.destroy(); // the answer unread would hold the command open
      throw error;
    }
    const parts = new Set<string>();
    return changedCopy(await removingPartsOnSignal(parts, () => extractDownload(res, local, path, parts))); // the archive holds NAME/…: its contents go into DST itself
  }
  const target = await fileTarget(local, posix.basename(path)).catch((error: unknown) => {
    res.destroy(); // the answer unread would hold the command open
    throw error;
  });
  // chunked, to carry its trailers: the size is a header of its own (Content-Length from a server that sends none)
  const expected = Number(res.headers[SIZE_HEADER.toLowerCase()] ?? res.headers['content-length']);
  const part = partFile(target);
  // before the answer flows (its 'data' below): what is at the part's name goes, a planted link too
  await clearPart(part).catch((error: unknown) => {
    res.destroy();
    throw saidOfTarget(error, part, target);
  });
  let received = 0;
  res.on('data', (chunk: Buffer) => (received += chunk.length));
  // Ctrl-C (or a kill) mid-way leaves no part behind either
  return removingPartsOnSignal(new Set([part]), async () => {
    /** the part this copy made: another copy to the same DST may clear its name and write its own there */
    let ours: PartIdentity | undefined;
    try {
      // wx: O_CREAT|O_EXCL, which fails on anything there, a symlink too, rather than write through it
      const out = createWriteStream(part, { flags: 'wx' }).once('open', (fd: number) => (ours = fstatSync(fd)));
      await pipeline(res, out);
      const failure = res.trailers[FAILURE_TRAILER.toLowerCase()];
      if (failure !== undefined) throw new ServerError(serverText(decodedTrailer(failure)));
      if (!res.complete || received !== expected) throw new ServerError(`the download of ${remote.path} stopped after ${received} of ${expected} bytes: try again`);
      const changed = readChangedTrailer(res.trailers[CHANGED_TRAILER.toLowerCase()]);
      await putInPlace(part, ours!, target);
      return changedCopy(changed);
    } catch (error) {
      if (ours) await removePart(part, ours);
      saidOfTarget(error, part, target);
      // this machine's refusal (no such folder, no permission) is said as it is: trying again would not help
      if (error instanceof ServerError || (error as { syscall?: unknown }).syscall !== undefined) throw error;
      throw new ServerError(`the download of ${remote.path} was cut off: try again`);
    }
  });
}

/** A folder coming down goes into DST, made if missing; a file in the way is said as an upload's placement says it. */
function folderTarget(local: string): void {
  try {
    makeFolders(local);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOTDIR' && code !== 'EEXIST') throw error;
    throw new PlacementError(isThere(local) ? `"${local}" is a file here: a folder cannot be copied onto it. Name a folder, or a path that is not there yet.` : `a file stands here where "${local}" needs a folder above it: a folder cannot be copied there. Name another destination.`);
  }
}

/** Something is at `path` (a file above it is ENOTDIR: nothing there) */
function isThere(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false }) !== undefined;
  } catch {
    return false;
  }
}

/**
 * Where a downloaded file goes: into DST when it is a folder or ends in "/", else DST itself; the
 * folders above made when missing, as kubectl cp does; a symlink there written through, as cp does.
 */
async function fileTarget(local: string, name: string): Promise<string> {
  const into = local.endsWith('/') || (await fs.stat(local).catch(() => undefined))?.isDirectory();
  const named = into ? join(local, name) : local;
  makeFolders(dirname(named));
  const target = await fs.realpath(named).catch(() => named); // a dangling symlink is replaced
  if ((await fs.stat(target).catch(() => undefined))?.isDirectory()) throw new PlacementError(`${target} is a folder here: a file cannot be written over it. Name another destination.`);
  return target;
}

function absolute(path: string): string {
  if (!path.startsWith('/')) throw new UsageError(`the path in the container must be absolute (start with /), not "${path.slice(0, 100)}"`);
  return path;
}
