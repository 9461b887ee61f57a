// What a user does with files: upload (one request per file, in turn) and download, each shown
// in the store's `transfers` with its progress, and cancel. Cancelling aborts the request; a
// download's session is closed too (the server cancels an upload when its body stops). A download
// of a file that changed while tar read it (a log still written to) is saved, with a warning, as
// is a folder's whose entries were left out or whose files tar found removed. A download past
// BIG_DOWNLOAD says, while it runs, that octant-exec cp suits such sizes better: the browser
// holds a download until it is saved.
import { ApiError, type Api } from '../protocol/http-client.ts';
import { downloadPath, uploadFile, type TransferTarget } from '../protocol/file-transfer.ts';
import type { SessionRow } from '../../src/protocol/index.ts';
import type { AppState } from './app-state.ts';
import type { Store } from './store.ts';
import type { Transfer } from './transfers.ts';

/** how many finished transfers stay listed */
const KEEP_FINISHED = 5;
/** past this, a running download suggests octant-exec cp (docs/ui.md, "Files in and out") */
export const BIG_DOWNLOAD = 1e9;

export class TransferActions {
  #nextId = 0;
  readonly #running = new Map<number, { abort: AbortController; sessionId?: string }>();

  constructor(
    private readonly store: Store<AppState>,
    private readonly api: Pick<Api, 'close'>,
    /** saves what was downloaded (a link click in the page) */
    private readonly save: (name: string, blob: Blob) => void,
  ) {}

  async upload(row: SessionRow, dir: string, files: File[]): Promise<void> {
    for (const file of files) {
      const { id, signal } = this.#start('upload', file.name, row, file.size);
      try {
        await uploadFile(targetOf(row), dir, file, (loaded, total) => this.#progress(id, loaded, total), signal);
        this.#finish(id, 'done', `${file.name} is in ${dir}`);
      } catch (error) {
        this.#finish(id, signal.aborted ? 'cancelled' : 'failed', (error as Error).message);
        if (signal.aborted) return; // Cancel stops the files still waiting too
      }
    }
  }

  async download(row: SessionRow, path: string): Promise<void> {
    const { id, signal } = this.#start('download', path, row);
    try {
      const { blob, filename, changed, removed, skipped } = await downloadPath(targetOf(row), path, (loaded, total) => this.#progress(id, loaded, total), signal, (sessionId) => {
        const running = this.#running.get(id);
        if (running) running.sessionId = sessionId;
      });
      this.save(filename, blob);
      const folder = blob.type === 'application/gzip';
      const warnings = [changed > 0 ? changedWarning(changed, folder) : '', removed > 0 ? removedWarning(removed) : '', skipped > 0 ? skippedWarning(skipped) : ''].filter(Boolean);
      this.#finish(id, 'done', `saved as ${filename}`, warnings.length > 0 ? warnings.join(' ') : undefined);
    } catch (error) {
      this.#finish(id, signal.aborted ? 'cancelled' : 'failed', error instanceof ApiError ? error.message : String(error));
    }
  }

  cancel(id: number): void {
    const running = this.#running.get(id);
    if (!running) return;
    running.abort.abort();
    if (running.sessionId) void this.api.close(running.sessionId).catch(() => {});
  }

  dismiss(id: number): void {
    this.store.update((state) => ({ transfers: state.transfers.filter((t) => t.id !== id) }));
  }

  #start(kind: Transfer['kind'], label: string, row: SessionRow, total?: number): { id: number; signal: AbortSignal } {
    const id = ++this.#nextId;
    const abort = new AbortController();
    this.#running.set(id, { abort });
    const now = Date.now();
    const { namespace, pod, container } = row.target;
    const transfer: Transfer = { id, kind, label, target: { namespace, pod, container }, loaded: 0, ...(total !== undefined ? { total } : {}), startedAt: now, updatedAt: now, state: 'running' };
    this.store.update((state) => ({ transfers: [...state.transfers, transfer] }));
    return { id, signal: abort.signal };
  }

  #progress(id: number, loaded: number, total: number | undefined): void {
    this.#change(id, (t) => ({ ...t, loaded, ...(total !== undefined ? { total } : {}), ...(t.kind === 'download' && !t.note && Math.max(loaded, total ?? 0) > BIG_DOWNLOAD ? { note: bigNote(t) } : {}), updatedAt: Date.now() }));
  }

  #finish(id: number, state: Transfer['state'], message: string, warning?: string): void {
    this.#running.delete(id);
    this.#change(id, (t) => ({ ...t, state, message, ...(warning ? { warning } : {}), updatedAt: Date.now() }));
    this.store.update((s) => {
      const finished = s.transfers.filter((t) => t.state !== 'running');
      const drop = new Set(finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED)).map((t) => t.id));
      return drop.size ? { transfers: s.transfers.filter((t) => !drop.has(t.id)) } : s;
    });
  }

  #change(id: number, change: (t: Transfer) => Transfer): void {
    this.store.update((state) => ({ transfers: state.transfers.map((t) => (t.id === id ? change(t) : t)) }));
  }
}

/** As `octant-exec cp` says it: the copy is whole as tar read it, and may still not be one version of the file. */
function changedWarning(count: number, folder: boolean): string {
  const which = !folder ? 'It' : count === 1 ? '1 file in it' : `${count} files in it`;
  return `${which} changed while ${which === 'It' || count === 1 ? 'it was' : 'they were'} copied: the copy holds what tar read, which may be cut short or mix two versions.`;
}

/** A folder's files gone before tar read them: the archive is whole without them. */
function removedWarning(count: number): string {
  return `${count === 1 ? '1 file was' : `${count} files were`} removed in the container while tar read the folder, and ${count === 1 ? 'is' : 'are'} not in the copy.`;
}

/** As `octant-exec cp` says it (src/cli/cp/left-out.ts): the .tar.gz lacks what could not be carried safely. */
function skippedWarning(count: number): string {
  return `${count === 1 ? '1 entry was' : `${count} entries were`} left out of the copy: hard links, symlinks that point outside the folder, or names that are not UTF-8 (octant-exec cp says the same; copy such files one by one).`;
}

/** A big download is held by the browser until it is saved; octant-exec cp writes as it comes. */
function bigNote(t: Transfer): string {
  return `The browser holds a download until it is saved: for files this big, octant-exec cp -c ${t.target.container} ${t.target.namespace}/${t.target.pod}:${t.label} . writes it to disk as it comes.`;
}

const targetOf = (row: SessionRow): TransferTarget => ({ ...(row.target.context ? { context: row.target.context } : {}), namespace: row.target.namespace, pod: row.target.pod, container: row.target.container });
