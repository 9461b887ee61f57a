// --store, --store-file and --advertise as the server's shared log: which database, read from
// where, and where this replica is reached. Each refusal is one line saying what to give instead;
// a URL is never printed with its password.
import { readFileSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import type { OctantExecOptions } from '../../server/app.ts';
import { openPostgresLog, openPostgresRecordings } from '../../server/shared-log.ts';
import { UsageError } from '../usage.ts';

export interface StoreFlags {
  store?: string;
  'store-file'?: string;
  advertise?: string;
}

export function sharedLogOptions(flags: StoreFlags): Pick<OctantExecOptions, 'sharedLog'> {
  if (flags.store !== undefined && flags['store-file'] !== undefined) throw new UsageError('--store and --store-file exclude each other: give one');
  const url = flags['store-file'] !== undefined ? readStoreFile(flags['store-file']) : flags.store;
  if (url === undefined) {
    if (flags.advertise !== undefined) throw new UsageError('--advertise is for replicas sharing a --store: without one it means nothing');
    return {};
  }
  if (!/^postgres(ql)?:\/\//.test(url)) throw new UsageError('--store takes a PostgreSQL URL, postgres://USER@HOST:PORT/DATABASE (the default, without --store, is the state directory\'s files)');
  if (flags.advertise === undefined) throw new UsageError('a shared --store needs --advertise URL: where the other replicas reach this one (in a pod: http://$(POD_IP):7788)');
  // The store's warnings (a lost lease, a snapshot skipped) go where the server's go.
  return { sharedLog: { advertise: advertiseUrl(flags.advertise), open: (advertise, warn) => openPostgresLog(url, advertise, warn), recordings: (replica) => openPostgresRecordings(url, replica) } };
}

function readStoreFile(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (error) {
    throw new UsageError(`--store-file ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): give a file holding the postgres:// URL`);
  }
}

function advertiseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(bracketed(text));
  } catch {
    throw new UsageError(`--advertise takes a URL like http://10.1.2.3:7788, not "${text.slice(0, 60)}"`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || (url.pathname !== '/' && url.pathname !== '') || url.search || url.hash || url.username || url.password) {
    throw new UsageError('--advertise is where the other replicas reach this one, like http://10.1.2.3:7788: http(s), a host and a port, nothing more');
  }
  return url.origin;
}

/**
 * An IPv6 address given bare, as Kubernetes substitutes `http://$(POD_IP):7788` on an IPv6 pod
 * (`http://fd00::5:7788`: the manifest cannot add the brackets), in the brackets a URL needs.
 */
function bracketed(text: string): string {
  const bare = /^(https?):\/\/([0-9A-Fa-f:.]+):(\d{1,5})\/?$/.exec(text);
  return bare && isIPv6(bare[2]) ? `${bare[1]}://[${bare[2]}]:${bare[3]}` : text;
}
