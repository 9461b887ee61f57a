// `octant-exec` (serve, the default command): starts the server against the user's kubeconfig or
// the built-in sandbox, prints the URL with its one-time token, and runs until SIGINT/SIGTERM.
import process from 'node:process';
import { spawn } from 'node:child_process';
import { accessSync, chmodSync, constants, existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { delimiter, join } from 'node:path';
import { parseExecTransportChoice } from '../adapters/kubernetes/exec-transport-choice.ts';
import { DEFAULT_PORT, SOCKET_PATH, startOctantExec, type OctantExecOptions } from '../server/app.ts';
import { DEFAULT_SNAPSHOT_POLICY } from '../runtime/exec-system.ts';
import { DEFAULT_RETENTION } from '../runtime/log-upkeep.ts';
import { defaultStateDir } from './state-dir.ts';

const USAGE = `usage: octant-exec [options]

Opens terminals in Kubernetes containers from your browser. Starts a local server and prints
the URL to open (it carries a one-time token; keep it to yourself).

Cluster: with a usable kubeconfig (--kubeconfig, $KUBECONFIG, ~/.kube/config) it uses that
cluster and its current context; without one, or with --sandbox, it starts the built-in sandbox
cluster, whose pods are processes on this machine.

Options:
  --port N              port on the host (default ${DEFAULT_PORT}; 0 picks a free one)
  --host ADDR           address to listen on (default 127.0.0.1); any other needs --allow-remote
  --allow-remote        allow --host to be a non-loopback address (anyone who reaches it and has
                        the token can run commands in your containers)
  --allow-host NAME     another name the browser may use for this server (repeatable)
  --kubeconfig FILE     kubeconfig to use
  --context NAME        kubeconfig context to use (default: its current context)
  --sandbox             use the built-in sandbox cluster even when a kubeconfig exists
  --sandbox-unisolated  run the sandbox's containers as plain processes of yours, where
                        bubblewrap cannot run (a shell in one can read and change your files)
  --exec-transport T    auto (default: WebSocket, SPDY/3.1 when the WebSocket upgrade is
                        refused, like kubectl), websocket, or spdy
  --idle-timeout SECS   end a terminal after this many idle seconds (default 300)
  --max-sessions N      most terminals running at once (default 64)
  --scrollback BYTES    output kept per terminal for reattach (default 1048576)
  --state-dir DIR       event log and sandbox files (default $XDG_STATE_HOME/octant-exec,
                        else ~/.local/state/octant-exec)
  --retain DAYS         remove ended sessions from the event log after this many quiet days,
                        keeping one audit record per run (default ${DEFAULT_RETENTION.days}; 0 keeps everything)
  --retain-audit DAYS   remove those audit records too after this many days (default 0: keep)
  --snapshot-every N    write a snapshot of the state after N log entries (default ${DEFAULT_SNAPSHOT_POLICY.everyEntries})…
  --snapshot-interval SECS
                        …or SECS after the last one, if anything happened (default ${DEFAULT_SNAPSHOT_POLICY.everyMs / 1000})
  --embed-origin URL    an origin allowed to frame /embed and open sockets from it, e.g.
                        Octant's http://127.0.0.1:7777 (repeatable; none by default)
  --open, --no-open     open the URL in a browser (default: --no-open)
  --json                print one JSON line when ready: {url, token, port, socket, cluster, stateDir}
  --help                this text

Stop it with Ctrl-C: every terminal is ended and the event log kept. \`octant-exec log --help\`
shows the commands that look after the event log.`;

export interface ServeArgs {
  options: OctantExecOptions;
  allowRemote: boolean;
  open: boolean;
  json: boolean;
  help: boolean;
}

const loopback = new Set(['127.0.0.1', 'localhost', '::1']);

/** The page's files, built on the first start of a fresh checkout (so `npm start` just works). */
async function builtUi(): Promise<string> {
  const dir = fileURLToPath(new URL('../../dist/ui', import.meta.url));
  if (existsSync(join(dir, 'index.html'))) return dir;
  console.error('octant-exec: building the page (first start of this checkout)…');
  const { buildUi } = await import('../../scripts/build-ui.ts');
  await buildUi(dir);
  return dir;
}

/** Parses the flags; throws an Error with a one-line message for anything it does not accept. */
export function parseServeArgs(args: string[], env: Record<string, string | undefined> = process.env): ServeArgs {
  const parsed: ServeArgs = { options: { stateDir: '' }, allowRemote: false, open: false, json: false, help: false };
  const o = parsed.options;
  const wholeNumber = (flag: string, text: string, min: number, max: number) => {
    const n = Number(text);
    if (!/^\d+$/.test(text) || n < min || n > max) throw new Error(`${flag} must be a whole number from ${min} to ${max}, not "${text}"`);
    return n;
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const [flag, inline] = eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined || v === '') throw new Error(`${flag} needs a value`);
      return v;
    };
    const noValue = () => {
      if (inline !== undefined) throw new Error(`${flag} takes no value`);
    };
    switch (flag) {
      case '--port':
        o.port = wholeNumber(flag, value(), 0, 65535);
        break;
      case '--host':
        o.host = value();
        break;
      case '--allow-remote':
        noValue();
        parsed.allowRemote = true;
        break;
      case '--allow-host': {
        const name = value();
        if (!/^[A-Za-z0-9.-]+(:\d+)?$|^\[[0-9A-Fa-f:.]+\](:\d+)?$/.test(name)) throw new Error(`--allow-host must be a host name or address, not "${name}"`);
        (o.hostNames ??= []).push(name);
        break;
      }
      case '--kubeconfig':
        o.kubeconfig = value();
        break;
      case '--context':
        o.context = value();
        break;
      case '--sandbox':
        noValue();
        o.sandbox = true;
        break;
      case '--sandbox-unisolated':
        noValue();
        o.sandboxOptions = { ...o.sandboxOptions, isolation: 'none' };
        break;
      case '--exec-transport':
        o.execTransport = parseExecTransportChoice(value());
        break;
      case '--idle-timeout':
        o.idleTimeoutSeconds = wholeNumber(flag, value(), 1, 86_400);
        break;
      case '--max-sessions':
        o.maxSessions = wholeNumber(flag, value(), 1, 10_000);
        break;
      case '--scrollback':
        (o.hub ??= {}).scrollbackBytes = wholeNumber(flag, value(), 1024, 256 * 1024 * 1024);
        break;
      case '--state-dir':
        o.stateDir = value();
        break;
      case '--retain':
        ((o.log ??= {}).retention ??= {}).days = wholeNumber(flag, value(), 0, 36_500);
        break;
      case '--retain-audit':
        ((o.log ??= {}).retention ??= {}).auditDays = wholeNumber(flag, value(), 0, 36_500);
        break;
      case '--snapshot-every':
        ((o.log ??= {}).snapshots ??= {}).everyEntries = wholeNumber(flag, value(), 100, 10_000_000);
        break;
      case '--snapshot-interval':
        ((o.log ??= {}).snapshots ??= {}).everyMs = wholeNumber(flag, value(), 10, 86_400) * 1000;
        break;
      case '--embed-origin': {
        const text = value();
        let origin: string;
        try {
          const url = new URL(text);
          if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error();
          origin = url.origin;
        } catch {
          throw new Error(`--embed-origin must be an http(s) origin like http://127.0.0.1:7777, not "${text}"`);
        }
        (o.embedOrigins ??= []).push(origin);
        break;
      }
      case '--open':
        noValue();
        parsed.open = true;
        break;
      case '--no-open':
        noValue();
        parsed.open = false;
        break;
      case '--json':
        noValue();
        parsed.json = true;
        break;
      case '--help':
      case '-h':
        parsed.help = true;
        break;
      default:
        throw new Error(`unknown option "${arg.slice(0, 60)}"`);
    }
  }
  if (o.host !== undefined && !loopback.has(o.host) && !parsed.allowRemote) {
    throw new Error(`--host ${o.host} is not a loopback address: add --allow-remote if you really mean to let other machines reach it`);
  }
  if (o.sandbox && o.kubeconfig) throw new Error('--sandbox and --kubeconfig exclude each other');
  o.stateDir ||= defaultStateDir(env);
  return parsed;
}

export async function serveCommand(args: string[]): Promise<number> {
  let parsed: ServeArgs;
  try {
    parsed = parseServeArgs(args);
  } catch (error) {
    console.error(`octant-exec: ${(error as Error).message} (see --help)`);
    return 2;
  }
  if (parsed.help) {
    console.log(USAGE);
    return 0;
  }
  const { options } = parsed;
  if (options.host && !loopback.has(options.host)) {
    console.error(`octant-exec: WARNING: listening on ${options.host}: anyone who can reach it and has the token can run commands in your containers.`);
  }
  let app;
  try {
    options.uiDir ??= await builtUi();
    app = await startOctantExec(options);
  } catch (error) {
    console.error(`octant-exec: ${(error as Error).message}`);
    return 1;
  }
  for (const warning of app.sandbox?.warnings ?? []) console.error(`octant-exec: WARNING: ${warning}`);
  const openUrl = `${app.url}#token=${app.token}`;
  if (parsed.json) {
    console.log(JSON.stringify({ url: app.url, token: app.token, port: app.port, socket: app.socketUrl, cluster: app.cluster, stateDir: app.stateDir }));
  } else {
    console.log(`octant-exec: ${app.clusterNote}`);
    console.log(`octant-exec: event log in ${app.stateDir}; terminal socket at ${SOCKET_PATH}`);
    console.log(`octant-exec: open ${openUrl}`);
  }
  if (parsed.open) openBrowser(openUrl, app.stateDir);

  const signal = await new Promise<string>((resolve) => {
    const stop = (name: string) => () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(name);
    };
    const onInt = stop('SIGINT');
    const onTerm = stop('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  });
  await app.close();
  console.error(`octant-exec: stopped (${signal}); every terminal ended`);
  return 0;
}

/**
 * xdg-open (Linux) or open (macOS) when one is on the PATH; otherwise say so. Like Jupyter, it
 * opens a small redirect file (readable by this user only) rather than the URL itself, so the
 * token never shows in another process's arguments.
 */
function openBrowser(url: string, stateDir: string): void {
  const opener = ['xdg-open', 'open'].find((name) =>
    (process.env.PATH ?? '').split(delimiter).some((dir) => {
      try {
        accessSync(join(dir, name), constants.X_OK);
        return true;
      } catch {
        return false;
      }
    }),
  );
  if (!opener) return void console.error('octant-exec: --open found neither xdg-open nor open: open the URL yourself.');
  const file = join(stateDir, 'open.html');
  const target = url.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  writeFileSync(file, `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${target}"><title>octant-exec</title><p>Opening octant-exec…</p>\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  const child = spawn(opener, [file], { stdio: 'ignore', detached: true });
  child.on('error', () => console.error(`octant-exec: ${opener} failed: open the URL yourself.`));
  child.unref();
}
