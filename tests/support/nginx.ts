// nginx from Debian in front of the replicas, as an Ingress in a cluster: a plain round-robin
// HTTP and WebSocket proxy (nginx-conf.ts); or a TCP proxy, as a load balancer in front of an API
// server. Started by the test in the foreground with its own
// configuration in a temp folder, on a free loopback port, needing no root and no system
// config. However the test ends, nginx ends: stop() in the test's after-hook, and a run-end
// clean-up (run-end.ts) should the test fail first.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { freePort } from './free-port.ts';
import { NGINX_STREAM_MODULE, nginxConf } from './nginx-conf.ts';
import { isRunning, processTree } from './process-tree.ts';
import { atRunEnd } from './run-end.ts';
import { waitFor, withTimeout } from './wait.ts';

export const NGINX = '/usr/sbin/nginx';

/** reading the configuration and opening the port, on a busy machine */
const START_TIMEOUT_MS = 10_000;
/** a reload: the new worker started and the old one told to go */
const RELOAD_TIMEOUT_MS = 10_000;
/** SIGTERM (nginx's fast shutdown) closes every connection at once; past this, SIGKILL */
const STOP_DEADLINE_MS = 5_000;
/** nginx gives up on a port another process took since we found it free: try another */
const START_ATTEMPTS = 3;
/** as deploy/ingress.example.yaml: terminals are quiet for long */
const DEFAULT_IDLE_TIMEOUT_S = 3600;

export interface NginxOptions {
  /** `host:port` each, taken in turn */
  upstreams: string[];
  /** seconds a proxied connection may be quiet, each way, before nginx cuts it (default 3600) */
  idleTimeoutSeconds?: number;
  /** http (default): HTTP and WebSocket; tcp: bytes as they come, TLS passed through */
  protocol?: 'http' | 'tcp';
  /** more directives for the http proxy's location, `name value` each */
  locationDirectives?: string[];
  /** how long stop() gives nginx before SIGKILL (default 5000) */
  stopDeadlineMs?: number;
}

export interface Nginx {
  /** http://127.0.0.1:PORT (a tcp one: its address, whatever runs over it) */
  readonly url: string;
  readonly port: number;
  /** nginx's processes now: the master first, then its workers */
  pids(): number[];
  /** rewrites the configuration (these upstreams, else the same) and resolves once new connections get it; rejects, keeping the old one, if nginx refuses it */
  reload(upstreams?: string[]): Promise<void>;
  /** ends nginx and its workers (SIGTERM, SIGKILL past the deadline) and removes its folder; again, a no-op */
  stop(): Promise<void>;
}

export async function startNginx(options: NginxOptions): Promise<Nginx> {
  if (!existsSync(NGINX)) throw new Error(`${NGINX} is missing: apt-get install nginx (these tests run the real one and never skip)`);
  if (options.protocol === 'tcp' && !existsSync(NGINX_STREAM_MODULE)) throw new Error(`${NGINX_STREAM_MODULE} is missing: apt-get install libnginx-mod-stream (nginx's TCP proxy)`);
  const dir = mkdtempSync(join(tmpdir(), 'octant-exec-nginx-'));
  const confPath = join(dir, 'nginx.conf');
  let running: Running | undefined;
  const forget = atRunEnd(() => {
    running?.master.killTree();
    rmSync(dir, { recursive: true, force: true });
  });
  const settings = { dir, upstreams: options.upstreams, idleTimeoutSeconds: options.idleTimeoutSeconds ?? DEFAULT_IDLE_TIMEOUT_S, protocol: options.protocol, locationDirectives: options.locationDirectives };
  let port = 0;
  try {
    for (let attempt = 1; !running; attempt++) {
      port = await freePort();
      writeFileSync(confPath, nginxConf({ ...settings, port }));
      running = await launch(dir, confPath, attempt < START_ATTEMPTS);
    }
  } catch (error) {
    forget();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const { master, log } = running;

  let stopping: Promise<void> | undefined;
  const stop = async () => {
    master.signal('SIGTERM');
    if (!(await master.exitWithin(options.stopDeadlineMs ?? STOP_DEADLINE_MS))) {
      const tree = master.alive ? processTree(master.pid) : [];
      master.killTree();
      await master.gone();
      // its workers, killed with it, end a moment later: stopped means they have too
      await waitFor(() => tree.every((pid) => !isRunning(pid)), `nginx's processes ${tree.join(', ')} to end after SIGKILL`, 5_000);
    }
    forget();
    rmSync(dir, { recursive: true, force: true });
  };

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    pids: () => (master.alive ? processTree(master.pid) : []),
    async reload(upstreams = settings.upstreams) {
      const previous = nginxConf({ ...settings, port });
      writeFileSync(confPath, nginxConf({ ...settings, port, upstreams }));
      const from = log.text().length;
      master.signal('SIGHUP');
      // the old worker is told to go once the new one runs; it stops accepting as it logs this
      const [line] = await withTimeout(log.next(from, /\[emerg\].*|gracefully shutting down/), RELOAD_TIMEOUT_MS, 'nginx to reload');
      if (line.startsWith('[emerg]')) {
        writeFileSync(confPath, previous);
        throw new Error(`nginx kept its configuration: ${line}`);
      }
      settings.upstreams = upstreams;
    },
    stop: () => (stopping ??= stop()),
  };
}

interface Running {
  master: Master;
  log: ErrorLog;
}

/** Starts nginx and waits until it listens; undefined if its port was taken and `mayRetry`. */
async function launch(dir: string, confPath: string, mayRetry: boolean): Promise<Running | undefined> {
  // -e stderr: the log before the configuration is read, which would be /var/log/nginx otherwise
  const child = spawn(NGINX, ['-e', 'stderr', '-p', dir, '-c', confPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  const master = new Master(child);
  const log = new ErrorLog(child);
  try {
    // the master logs this after forking the worker, its port open ("start worker processes",
    // without the pid, comes before the fork)
    await withTimeout(log.next(0, /start worker process \d+/), START_TIMEOUT_MS, 'nginx to start');
    return { master, log };
  } catch (error) {
    master.killTree();
    await master.gone();
    if (mayRetry && /Address already in use/.test(log.text())) return undefined;
    throw error;
  }
}

/** nginx's stderr, where its error log goes: kept whole, with a wait for the next line that matches. */
class ErrorLog {
  private logged = '';
  private readonly changed = new Set<() => void>();
  private exit: string | undefined;

  constructor(child: ChildProcess) {
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      this.logged += chunk;
      this.notify();
    });
    child.once('exit', (code, signal) => {
      this.exit = `nginx exited (${signal ?? `code ${code}`})`;
      this.notify();
    });
  }

  text(): string {
    return this.logged;
  }

  /** the first match of `pattern` in what nginx logged after offset `from`; rejects if nginx exits first */
  next(from: number, pattern: RegExp): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(this.logged.slice(from));
        if (!match && !this.exit) return;
        this.changed.delete(check);
        if (match) resolve(match);
        else reject(new Error(`${this.exit}:\n${this.logged.slice(from)}`));
      };
      this.changed.add(check);
      check();
    });
  }

  private notify(): void {
    for (const check of [...this.changed]) check();
  }
}

/**
 * The master nginx process as this process knows it. Signals go through process.kill and the end
 * is the 'exit' event's: Deno's ChildProcess.kill() marks a child as ended by any signal it sends,
 * SIGHUP included.
 */
class Master {
  readonly pid: number;
  private ended = false;
  private readonly exited: Promise<void>;

  constructor(child: ChildProcess) {
    this.pid = child.pid!;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    this.exited.then(() => (this.ended = true));
  }

  /** Not yet exited as far as we know: its pid is still its own (a zombie at worst), never another process's. */
  get alive(): boolean {
    return !this.ended;
  }

  signal(signal: NodeJS.Signals): void {
    if (this.alive) process.kill(this.pid, signal);
  }

  /** SIGKILL to the master and its workers (which a dead master would leave behind). Synchronous: it runs at exit too. */
  killTree(): void {
    if (!this.alive) return;
    for (const pid of processTree(this.pid)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
  }

  /** true once it has exited, false if it has not within `ms` */
  exitWithin(ms: number): Promise<boolean> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
    return Promise.race([this.exited.then(() => true), late]).finally(() => clearTimeout(timer));
  }

  /** resolves once it has exited */
  gone(): Promise<void> {
    return this.exited;
  }
}
