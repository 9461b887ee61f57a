// What a user does with files: upload (one request per file, in turn) and download, each shown
// in the store's `transfers` with its progress, and cancel. Cancelling aborts the request; a
// download's session is closed too (the server cancels an upload when its body stops). A download
// of a file that changed while tar read it (a log still written to) is saved, with a warning.
import { ApiError, type Api } from '../protocol/http-client.ts';
import { downloadPath, uploadFile, type TransferTarget } from '../protocol/file-transfer.ts';
import type { SessionRow } from '../../src/protocol/index.ts';
import type { AppState } from './app-state.ts';
import type { Store } from './store.ts';
import type { Transfer } from './transfers.ts';

/** how many finished transfers stay listed */
const KEEP_FINISHED = 5;

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
      const { blob, filename, changed } = await downloadPath(targetOf(row), path, (loaded, total) => this.#progress(id, loaded, total), signal, (sessionId) => {
        const running = this.#running.get(id);
        if (running) running.sessionId = sessionId;
      });
      this.save(filename, blob);
      this.#finish(id, 'done', `saved as ${filename}`, changed > 0 ? changedWarning(changed, blob.type === 'application/gzip') : undefined);
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
    this.#change(id, (t) => ({ ...t, loaded, ...(total !== undefined ? { total } : {}), updatedAt: Date.now() }));
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

const targetOf = (row: SessionRow): TransferTarget => ({ ...(row.target.context ? { context: row.target.context } : {}), namespace: row.target.namespace, pod: row.target.pod, container: row.target.container });
