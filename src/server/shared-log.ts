// Opens the PostgreSQL event log for a replica. Loaded only when --store asks for it, so a laptop
// on the file log never loads the database client. A log that cannot be opened (a wrong URL or
// password, a host that does not answer, a schema from a newer octant-exec) stops the start with
// its one-line reason, password never included, and exit status 2.
import type { SharedStore } from '../events/shared-store.ts';
import type { RecordingStorage } from '../recording/recording-storage.ts';

/** A start refused by its settings (the shared log's): the CLI exits 2, as for a usage error. */
export class StartRefused extends Error {
  readonly exitCode = 2;
}

export async function openPostgresLog(url: string, advertise: string, warn: (message: string) => void): Promise<SharedStore> {
  const { PgStore } = await import('../events/postgres/pg-store.ts');
  try {
    return await PgStore.open({ url, advertise, warn });
  } catch (error) {
    throw new StartRefused(`the shared event log cannot be opened: ${(error as Error).message}`);
  }
}

/** The recordings in the same database (its tables made by the log's migrations), written as replica `replica`. */
export async function openPostgresRecordings(url: string, replica: string): Promise<RecordingStorage> {
  const { PgRecordings } = await import('../recording/pg-recordings.ts');
  return new PgRecordings({ url, replica });
}
