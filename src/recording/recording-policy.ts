// What the server records by default, and the range --record-max-bytes takes.
import type { RecordingPolicy } from '../protocol/http.ts';

/** the default of --record-max-bytes: an hour of a busy build log fits, a runaway `yes` stops */
export const DEFAULT_RECORD_MAX_BYTES = 64 * 1024 * 1024;
/** --record-max-bytes: room for a header and some output; a recording is read back as a stream, so the top is a disk budget, not memory */
export const RECORD_MIN_BYTES = 4096;
export const RECORD_MAX_BYTES = 1024 * 1024 * 1024;
export const DEFAULT_RECORDING: RecordingPolicy = { mode: 'opt-in', input: false, maxBytes: DEFAULT_RECORD_MAX_BYTES };
