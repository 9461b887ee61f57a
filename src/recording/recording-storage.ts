// Where recordings are kept: the seam between the recorder (what is recorded, when) and the
// place its bytes go. Two places: the state directory's files (file-recordings.ts), one replica's
// own; and PostgreSQL (pg-recordings.ts), when replicas share a --store, so any replica can play
// any recording, and a recording survives the loss of the replica that made it. A recording is
// named by the recorder (session, run, time), never by a client: the name is the key in both.
import type { ReadCast } from './cast-file.ts';

/** One recording being written: the writer's bytes, in order; `write` takes all of them or throws. */
export interface CastSink {
  write(buffer: Buffer, offset: number, length: number): Promise<{ bytesWritten: number }>;
  /** what was written is durable once this resolves (a crash keeps it); a sink that stores by itself (the database's) starts storing and resolves at once, and its `close` waits */
  datasync(): Promise<void>;
  /** what follows `length` goes (a write that went half-way leaves a torn line) */
  truncate(length: number): Promise<void>;
  close(): Promise<void>;
  /** bytes written that it let go without keeping them (the database's: held when it closed, or once another replica finished the recording); none for a file */
  readonly dropped?: number;
}

/** How a writer opens its recording. */
export interface CastSinks {
  /** what a failure names: "the file could not be written" */
  readonly noun: string;
  /** a new recording, or (`append`) the one a stopped writer of the same run left, to go on after its end */
  open(name: string, append: boolean): Promise<CastSink>;
  /** a recording that never got its whole header is no recording: nothing of it is left */
  discard(name: string): Promise<void>;
}

export interface RecordingStorage extends CastSinks {
  /** true when every replica reads the same recordings (the shared store) */
  readonly shared: boolean;
  /**
   * true when a read holds something scarce until it is closed (the database's: a connection and
   * its snapshot), so a download keeps its turn while it streams; a file's read holds an open file
   * only, and its download goes on after its turn (recording-routes.ts)
   */
  readonly readHoldsConnection: boolean;
  /** where a recording is, for a person reading an error: "in the recordings folder of the state directory" */
  where(name: string): string;
  /** recordings a stopped process left unfinished: the recorder finishes them */
  leftovers(): Promise<string[]>;
  /** compresses a finished recording at rest (it plays the same, compressed or not); false when this call did not finish it (another replica did, or it was removed) */
  finish(name: string): Promise<boolean>;
  /** the recording, checked as it is read (cast-file.ts), or undefined when it is gone; throws CastDamaged when nothing of it can be read. The caller closes it. */
  read(name: string, maxBytes: number): Promise<ReadCast | undefined>;
  /** every recording kept, with when it was last written (ms since the epoch), for retention */
  list(): Promise<Array<{ name: string; writtenAt: number }>>;
  remove(name: string): Promise<void>;
  /** lets go of what it holds (connections); the recorder calls it last */
  close(): Promise<void>;
}
