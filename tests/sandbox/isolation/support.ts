// A sandbox for the isolation tests: a "lab" namespace whose pods carry the tools an attacker
// would reach for (mount, unshare, chroot, ln, ps, kill), and helpers that run one command in a
// container with a deadline and read what came back.
import { readlinkSync, readdirSync } from 'node:fs';
import type { SandboxFixture } from '../../../src/sandbox/fixture/fixture.ts';
import { startTestSandbox, type Sandbox } from '../../support/sandbox.ts';
import { withTimeout } from '../../support/wait.ts';
import { runExec } from '../../support/sandbox-exec-client.ts';

const ATTACKER_TOOLS = ['coreutils', 'procps', 'textutils', 'mount', 'umount', 'unshare', 'chroot'];
/** Small enough that a fork bomb reaches it in a moment, large enough for the tests' own execs. */
export const POD_PIDS_LIMIT = 48;

export const labFixture: SandboxFixture = {
  podPidsLimit: POD_PIDS_LIMIT,
  namespaces: [
    {
      name: 'lab',
      pods: [
        { name: 'victim', containers: [{ name: 'main', image: 'debian:12', shells: ['sh', 'bash', 'zsh', 'fish'], tools: ATTACKER_TOOLS }] },
        { name: 'bystander', containers: [{ name: 'main', shells: ['sh'], tools: ['coreutils'] }] },
        { name: 'bomb', containers: [{ name: 'main', shells: ['sh', 'bash'], tools: ['coreutils'] }] },
        { name: 'shared', shareProcessNamespace: true, containers: [{ name: 'a', shells: ['sh'], tools: ATTACKER_TOOLS }, { name: 'b', shells: ['sh'], tools: ATTACKER_TOOLS }] },
        { name: 'apart', containers: [{ name: 'a', shells: ['sh'], tools: ATTACKER_TOOLS }, { name: 'b', shells: ['sh'], tools: ATTACKER_TOOLS }] },
      ],
    },
  ],
};

export type LabSandbox = Sandbox & { scratch: string };

export function startLab(): Promise<LabSandbox> {
  return startTestSandbox({ fixture: labFixture });
}

export interface Ran {
  stdout: string;
  stderr: string;
  /** the exit code from the Status (0 for Success), or undefined when the exec failed otherwise */
  code: number | undefined;
  status: Record<string, unknown> | undefined;
}

/** Runs argv in lab/POD/CONTAINER to its end (30 s at most). */
export async function run(sandbox: Sandbox, pod: string, argv: string[], container = 'main'): Promise<Ran> {
  const session = await withTimeout(runExec(sandbox, { namespace: 'lab', pod, container, command: argv }), 30_000, `${pod}/${container}: ${argv.join(' ')}`);
  const status = session.status();
  const cause = (status?.details as { causes?: { reason: string; message: string }[] } | undefined)?.causes?.find((c) => c.reason === 'ExitCode');
  return { stdout: session.stdout(), stderr: session.stderr(), status, code: status?.status === 'Success' ? 0 : cause ? Number(cause.message) : undefined };
}

/** Runs a shell script in lab/POD/CONTAINER; positional arguments become $1, $2… */
export function sh(sandbox: Sandbox, pod: string, script: string, args: string[] = [], container = 'main'): Promise<Ran> {
  return run(sandbox, pod, ['sh', '-c', script, 'sh', ...args], container);
}

/** Host pids of the processes in the PID namespace that `pid` is in. */
export function processesInNamespaceOf(pid: number): number[] {
  const namespace = readlinkSync(`/proc/${pid}/ns/pid`);
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        return readlinkSync(`/proc/${name}/ns/pid`) === namespace;
      } catch {
        return false; // gone, or not ours to look at
      }
    })
    .map(Number);
}
