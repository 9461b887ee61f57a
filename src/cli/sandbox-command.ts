// `octant-exec sandbox`: runs the sandbox cluster alone until SIGINT/SIGTERM, for kubectl, the
// app in another process, or a person poking at it.
import process from 'node:process';
import { startSandbox, type ExecTransportName, type SandboxOptions } from '../sandbox/index.ts';

const USAGE = `usage: octant-exec sandbox [--port N] [--fixture FILE] [--kubeconfig-out FILE] [--state-dir DIR] [--exec-transports LIST] [--sandbox-unisolated] [--json] [--help]

Runs a local Kubernetes API subset whose pods are local processes, each container inside
bubblewrap with nothing of this machine in sight (see docs/sandbox.md).
  --port N               port on 127.0.0.1 (0, the default, picks a free one)
  --fixture FILE         cluster description (JSON); default: the built-in demo cluster
  --kubeconfig-out FILE  where to write the kubeconfig; default: STATE_DIR/kubeconfig
  --state-dir DIR        certificates, kubeconfig and container directories; default: a temp dir
  --exec-transports LIST exec upgrades served, comma-separated: websocket, spdy (default both);
                         e.g. spdy alone refuses WebSocket so kubectl 1.30+ falls back to SPDY
  --sandbox-unisolated   run containers as plain processes of yours on this machine, where
                         bubblewrap cannot run (a shell in one can read and change your files)
  --json                 print one JSON line when ready: {"server","kubeconfig","context","isolation","users","audit"}
  --help                 this text`;

interface Parsed {
  options: SandboxOptions;
  json: boolean;
  help: boolean;
}

/** Parses the flags; throws an Error with a one-line message for anything it does not accept. */
export function parseSandboxArgs(args: string[]): Parsed {
  const parsed: Parsed = { options: {}, json: false, help: false };
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].startsWith('--') && args[i].includes('=') ? [args[i].slice(0, args[i].indexOf('=')), args[i].slice(args[i].indexOf('=') + 1)] : [args[i], undefined];
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined || v === '') throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--port': {
        const text = value();
        const port = Number(text);
        if (!/^\d+$/.test(text) || port > 65535) throw new Error(`--port must be a number from 0 to 65535, not "${text}"`);
        parsed.options.port = port;
        break;
      }
      case '--fixture':
        parsed.options.fixture = value();
        break;
      case '--kubeconfig-out':
        parsed.options.kubeconfigOut = value();
        break;
      case '--state-dir':
        parsed.options.stateDir = value();
        break;
      case '--exec-transports':
        parsed.options.execTransports = parseExecTransports(value());
        break;
      case '--sandbox-unisolated':
        parsed.options.isolation = 'none';
        break;
      case '--json':
        parsed.json = true;
        break;
      case '--help':
      case '-h':
        parsed.help = true;
        break;
      default:
        throw new Error(`unknown option "${args[i]}"`);
    }
  }
  return parsed;
}

const EXEC_TRANSPORTS: readonly ExecTransportName[] = ['websocket', 'spdy'];

function parseExecTransports(text: string): ExecTransportName[] {
  const names = text.split(',').map((name) => name.trim().toLowerCase());
  for (const name of names) {
    if (!(EXEC_TRANSPORTS as readonly string[]).includes(name)) throw new Error(`--exec-transports takes ${EXEC_TRANSPORTS.join(', ')} (comma-separated), not "${name}"`);
  }
  return [...new Set(names as ExecTransportName[])];
}

export async function sandboxCommand(args: string[]): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parseSandboxArgs(args);
  } catch (error) {
    console.error(`octant-exec sandbox: ${(error as Error).message} (see --help)`);
    return 2;
  }
  if (parsed.help) {
    console.log(USAGE);
    return 0;
  }
  let sandbox;
  try {
    sandbox = await startSandbox(parsed.options);
  } catch (error) {
    console.error(`octant-exec sandbox: ${(error as Error).message}`);
    return 1;
  }
  for (const warning of sandbox.warnings) console.error(`octant-exec sandbox: WARNING: ${warning}`);
  if (parsed.json) {
    const users = Object.fromEntries(Object.entries(sandbox.users).map(([name, user]) => [name, user.kubeconfigPath]));
    console.log(JSON.stringify({ server: sandbox.server, kubeconfig: sandbox.kubeconfigPath, context: sandbox.context, isolation: sandbox.isolation, users, audit: sandbox.auditLogPath }));
  } else {
    console.log(`sandbox cluster at ${sandbox.server}\n  kubectl --kubeconfig ${sandbox.kubeconfigPath} get pods -A\n  (Ctrl-C ends it and every exec)`);
  }
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  await sandbox.close();
  if (!parsed.json) console.error(`sandbox stopped (${signal})`);
  return 0;
}
