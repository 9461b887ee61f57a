// A throwaway PostgreSQL 15 cluster for a test file: initdb into a temp folder, a free loopback
// port, its unix socket in the folder, fsync off (a crash of a test cluster loses nothing anyone
// needs). Password authentication over TCP (scram-sha-256), so a wrong password is refused for
// real. It can be stopped, started again on the same data and port, or killed, as the store's
// outage tests need. Whatever happens in the tests, the server is killed and the folder removed
// when the run ends.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { promisify } from 'node:util';
import pg from 'pg';
import { atRunEnd } from './run-end.ts';
import { freePort } from './free-port.ts';

const BIN = '/usr/lib/postgresql/15/bin';
const SUPERUSER = 'postgres';
/** the user the stores connect as, with a password (never a superuser, as in a real deployment) */
export const APP_USER = 'octant';

const run = promisify(execFile);

export interface PgCluster {
  readonly port: number;
  /** APP_USER's password */
  readonly password: string;
  /** APP_USER's URL for `database` (with another password, to be refused) */
  url(database: string, password?: string): string;
  /** a new, empty database owned by APP_USER: its URL */
  createDatabase(): Promise<string>;
  /** runs `sql` as the superuser in `database` */
  admin<R extends pg.QueryResultRow = Record<string, unknown>>(database: string, sql: string, params?: unknown[]): Promise<R[]>;
  /** a clean shutdown (clients are disconnected), the data kept */
  stop(): Promise<void>;
  /** starts it again on the same data and port */
  start(): Promise<void>;
  /** SIGKILL to the server and its backends, as a lost machine */
  kill(): Promise<void>;
  /** stops it for good and removes its folder */
  remove(): Promise<void>;
}

let databases = 0;

/**
 * A test's own connection (or pool), whose failures reach it as rejected queries. pg also emits an
 * 'error' on a connection whose backend ends under it (the cluster stopping while the test's
 * connections still close: a backend told to terminate before it reads the goodbye answers FATAL),
 * and, with no listener, that event is an uncaught exception that ends the test run.
 */
export function testClient(config: pg.ClientConfig): pg.Client {
  const client = new pg.Client(config);
  client.on('error', () => {});
  return client;
}

export function testPool(config: pg.PoolConfig): pg.Pool {
  const pool = new pg.Pool(config);
  pool.on('error', () => {});
  return pool;
}

export async function startCluster(): Promise<PgCluster> {
  const folder = mkdtempSync(join(tmpdir(), 'octant-exec-pg-'));
  const data = join(folder, 'data');
  const killNow = () => killServer(data);
  const forgetRunEnd = atRunEnd(() => {
    killNow();
    rmSync(folder, { recursive: true, force: true });
  });
  const superPassword = randomBytes(12).toString('hex');
  const password = `pw-${randomBytes(12).toString('hex')}`;
  const port = await freePort();
  const asOwner = ownerOf(folder);
  const pwfile = join(folder, 'pwfile');
  writeFileSync(pwfile, superPassword, { mode: 0o600 });
  asOwner.chown(pwfile);
  await asOwner.run('initdb', ['-D', data, '-U', SUPERUSER, `--pwfile=${pwfile}`, '-A', 'scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions']);
  rmSync(pwfile);
  appendFileSync(
    join(data, 'postgresql.conf'),
    [`port = ${port}`, `listen_addresses = '127.0.0.1'`, `unix_socket_directories = '${folder}'`, 'fsync = off', 'synchronous_commit = off', 'full_page_writes = off', 'shared_buffers = 16MB', 'max_connections = 80', ''].join('\n'),
  );
  const start = () => asOwner.run('pg_ctl', ['start', '-D', data, '-l', join(folder, 'server.log'), '-w', '-t', '30']).then(() => {});
  const stop = () => asOwner.run('pg_ctl', ['stop', '-D', data, '-m', 'fast', '-w', '-t', '30']).then(() => {});
  await start();

  const admin = async <R extends pg.QueryResultRow>(database: string, sql: string, params: unknown[] = []) => {
    const client = testClient({ host: '127.0.0.1', port, user: SUPERUSER, password: superPassword, database });
    await client.connect();
    try {
      return (await client.query<R>(sql, params)).rows;
    } finally {
      await client.end();
    }
  };
  await admin('postgres', `CREATE ROLE ${APP_USER} LOGIN PASSWORD '${password}'`);
  const url = (database: string, pass = password) => `postgres://${APP_USER}:${encodeURIComponent(pass)}@127.0.0.1:${port}/${database}`;

  return {
    port,
    password,
    url,
    async createDatabase() {
      const name = `test_${++databases}_${randomBytes(3).toString('hex')}`;
      await admin('postgres', `CREATE DATABASE ${name} OWNER ${APP_USER}`);
      return url(name);
    },
    admin,
    stop,
    start,
    async kill() {
      killNow();
    },
    async remove() {
      if (existsSync(join(data, 'postmaster.pid'))) await stop().catch(killNow);
      rmSync(folder, { recursive: true, force: true });
      forgetRunEnd(); // one run holds many test files' clusters: a removed one leaves no exit listener
    },
  };
}

/** Runs PostgreSQL's tools as the owner of the folder: initdb refuses root, so as root they run as `postgres`. */
function ownerOf(folder: string) {
  if (process.getuid?.() !== 0) return { chown: (_path: string) => {}, run: (tool: string, args: string[]) => run(join(BIN, tool), args) };
  const uid = Number(readFileSync('/etc/passwd', 'utf8').match(/^postgres:[^:]*:(\d+):(\d+):/m)?.[1]);
  const gid = Number(readFileSync('/etc/passwd', 'utf8').match(/^postgres:[^:]*:(\d+):(\d+):/m)?.[2]);
  if (!uid) throw new Error('running as root, and there is no postgres user to run PostgreSQL as (apt-get install postgresql makes one)');
  chownSync(folder, uid, gid);
  // The server must reach its folder: the run's temp folder (0700, root's) gets the traverse bit only.
  for (let dir = dirname(folder); dir !== dirname(dir); dir = dirname(dir)) {
    const mode = statSync(dir).mode & 0o7777;
    if ((mode & 0o001) === 0) chmodSync(dir, mode | 0o001);
  }
  return { chown: (path: string) => chownSync(path, uid, gid), run: (tool: string, args: string[]) => run('runuser', ['-u', 'postgres', '--', join(BIN, tool), ...args]) };
}

/** SIGKILL to the postmaster of `data` and to its backends (found before it dies: then they are reparented). */
function killServer(data: string): void {
  const pidFile = join(data, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const postmaster = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!postmaster) return;
  const pids = [postmaster, ...childrenOf(postmaster)];
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const pid of pids) while (existsSync(`/proc/${pid}`) && !isZombie(pid));
}

function childrenOf(parent: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')[1]) === parent;
      } catch {
        return false;
      }
    })
    .map(Number);
}

function isZombie(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').startsWith('Z');
  } catch {
    return true;
  }
}

