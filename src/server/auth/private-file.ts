// Secrets the server reads from files of their own (--token-file, --session-key-file,
// --oidc-client-secret-file), checked before their content is believed. A file every user of the
// machine may read is refused, as ssh refuses a private key that is "too open": anyone there could
// take the token, forge sessions or trade codes as the OIDC client.
// A file its group may read is taken: Kubernetes mounts a Secret that way for a pod with an
// fsGroup (0440, as deploy/ mounts them), and that group is the pod's own. A file of another
// user's is refused too: whoever made it knows what it holds (one made in /tmp before this user's
// `--token-file /tmp/token` would open this user's server to them). Root's is taken, as a
// Secret's files are root's.
import type { Buffer } from 'node:buffer';
import { readFileSync, statSync } from 'node:fs';
import process from 'node:process';

/** Keys and tokens are short: a large file is the wrong file. */
const MAX_BYTES = 4096;

/** The file's bytes; refused with a sentence naming the flag, the file and what to do. `user`: this process's user id. */
export function readPrivateFile(flag: string, file: string, user = process.getuid?.()): Buffer {
  let bytes: Buffer;
  let mode: number;
  let owner: number;
  try {
    ({ mode, uid: owner } = statSync(file));
    bytes = readFileSync(file);
  } catch (error) {
    throw new Error(`${flag} ${file} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (mode & 0o004) {
    const octal = (mode & 0o777).toString(8).padStart(4, '0');
    throw new Error(`${flag} ${file} may be read by every user of this machine (mode ${octal}): chmod 600 ${file} (from a Kubernetes Secret: defaultMode 0400, or 0440 with the pod's fsGroup)`);
  }
  if (user !== undefined && owner !== user && owner !== 0) {
    throw new Error(`${flag} ${file} belongs to another user (uid ${owner}), who may know what it holds: use a file of your own (delete this one, or give another path)`);
  }
  if (bytes.length > MAX_BYTES) throw new Error(`${flag} ${file} is ${bytes.length} bytes: it should hold one secret alone (at most ${MAX_BYTES} bytes)`);
  return bytes;
}
