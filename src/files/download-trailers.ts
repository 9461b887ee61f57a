// The HTTP trailers after a directory's download (src/server/files/download.ts), read by
// `octant-exec cp` (src/cli/cp/download-archive.ts): what the answer's headers could not say yet.

/** how many entries were left out (an upload's answer says it as `skipped`) */
export const SKIPPED_TRAILER = 'X-Octant-Exec-Skipped';

/**
 * Why the container's tar failed once the answer had started (a file it could not read), for a
 * client that sent `TE: trailers`; percent-encoded (a header's characters). The archive is left
 * unfinished then, so it never looks whole; a client that takes no trailers has its answer cut.
 */
export const FAILURE_TRAILER = 'X-Octant-Exec-Failure';
