// The sandbox's API audit log: one audit.k8s.io/v1 Event per request, as JSON Lines, in its
// state folder (owner-only, like the kubeconfigs). Written synchronously so a record is on the
// disk when its response is complete; after close(), late records (a connection ending during
// shutdown) are dropped rather than written into a removed folder.
import { closeSync, openSync, writeSync } from 'node:fs';
import type { KubeStatus } from '../transports/exec-channels.ts';
import type { AuditEntry } from './audit-entry.ts';

export class AuditLog {
  private fd: number | undefined;
  private failed = false;

  /** `secrets`: strings that must never reach the file (the sandbox's bearer tokens), replaced if they would. */
  constructor(
    readonly path: string,
    private readonly secrets: string[],
  ) {
    this.fd = openSync(path, 'a', 0o600);
  }

  record(entry: AuditEntry, code: number | undefined, status?: KubeStatus): void {
    if (this.fd === undefined) return;
    let line = JSON.stringify(entry.event(code, status));
    // A client may put anything in a URL or its user agent, a token included: it is not written.
    for (const secret of this.secrets) line = line.split(secret).join('[redacted]');
    try {
      writeSync(this.fd, `${line}\n`);
    } catch (error) {
      // A full disk must not take the API down with it; say so once.
      if (!this.failed) console.error(`sandbox audit log ${this.path}: ${(error as Error).message} (records are lost until it can be written again)`);
      this.failed = true;
    }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
