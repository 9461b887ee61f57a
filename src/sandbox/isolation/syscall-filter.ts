// The system-call filter every sandbox process runs under (bubblewrap's --seccomp, a classic BPF
// program): keyctl, add_key and request_key fail with EPERM, as in Docker's default profile.
// Kernel keyrings know no namespaces: a process keeps the session keyring of whoever started it
// (a login's, with its keys) across every namespace it joins, and root inside a container is this
// machine's user, whose keys those are. So without the filter a container could read, add and
// link keys of the session that started octant-exec. A process of an architecture the filter was
// not written for (whose system calls have other numbers) is killed at its first call: refused,
// never let through unfiltered.
import { spawn } from 'node:child_process';
import process from 'node:process';
import { libraryArgs } from './base-layer.ts';
import type { IsolationTools } from './host-tools.ts';

/** AUDIT_ARCH_* (linux/audit.h) and the numbers of add_key, request_key and keyctl there. */
const ARCHITECTURES: Record<string, { arch: number; keyCalls: number[] }[]> = {
  // x86_64, its x32 ABI (the same numbers with bit 30 set), and 32-bit x86 programs
  x64: [
    { arch: 0xc000003e, keyCalls: [248, 249, 250, 0x400000f8, 0x400000f9, 0x400000fa] },
    { arch: 0x40000003, keyCalls: [286, 287, 288] },
  ],
  // aarch64, and 32-bit ARM programs
  arm64: [
    { arch: 0xc00000b7, keyCalls: [217, 218, 219] },
    { arch: 0x40000028, keyCalls: [309, 310, 311] },
  ],
};

const BPF_LD_W_ABS = 0x20;
const BPF_JEQ_K = 0x15;
const BPF_RET_K = 0x06;
/** offsets in struct seccomp_data */
const NR = 0;
const ARCH = 4;
const RET_ALLOW = 0x7fff0000;
const RET_ERRNO_EPERM = 0x00050000 | 1;
const RET_KILL_PROCESS = 0x80000000;

/** The architectures this machine's filter knows, by Node's name for them (process.arch). */
export const FILTERED_ARCHITECTURES = Object.keys(ARCHITECTURES);

/**
 * The filter for programs of `machine` (process.arch), as bubblewrap reads it: struct sock_filter
 * after struct sock_filter, in this machine's byte order. Throws a sentence for an architecture it
 * has no numbers for.
 */
export function syscallFilterProgram(machine: string = process.arch): Uint8Array {
  const arches = ARCHITECTURES[machine];
  if (!arches) {
    throw new Error(
      `the sandbox has no system-call filter for this machine's architecture (${machine}; it has one for ${FILTERED_ARCHITECTURES.join(' and ')}), ` +
        "and without one a container could use the kernel keyrings of the session that started octant-exec: run the sandbox on one of those, or start with --sandbox-unisolated (no isolation at all)",
    );
  }
  // Instructions with the labels their jumps go to; a jump's jt counts the instructions it skips.
  const program: { code: number; k: number; to?: string; label?: string }[] = [];
  program.push({ code: BPF_LD_W_ABS, k: ARCH });
  arches.forEach(({ arch }, index) => program.push({ code: BPF_JEQ_K, k: arch, to: `arch${index}` }));
  program.push({ code: BPF_RET_K, k: RET_KILL_PROCESS }); // another architecture
  arches.forEach(({ keyCalls }, index) => {
    program.push({ code: BPF_LD_W_ABS, k: NR, label: `arch${index}` });
    for (const nr of keyCalls) program.push({ code: BPF_JEQ_K, k: nr, to: 'refuse' });
    program.push({ code: BPF_RET_K, k: RET_ALLOW });
  });
  program.push({ code: BPF_RET_K, k: RET_ERRNO_EPERM, label: 'refuse' });
  const bytes = new Uint8Array(program.length * 8);
  const view = new DataView(bytes.buffer);
  const little = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  program.forEach(({ code, k, to }, index) => {
    view.setUint16(index * 8, code, little);
    view.setUint8(index * 8 + 2, to === undefined ? 0 : program.findIndex((i) => i.label === to) - index - 1);
    view.setUint8(index * 8 + 3, 0);
    view.setUint32(index * 8 + 4, k >>> 0, little);
  });
  return bytes;
}

/** The filter, by the bubblewrap that applied it in this process (a test run starts hundreds of sandboxes). */
const applied = new Map<string, Uint8Array>();

/**
 * This machine's filter, once bubblewrap has applied it (checked once per process and bubblewrap).
 * Rejects with a sentence saying why and what to do when the architecture has no filter or the
 * kernel refuses it.
 */
export async function syscallFilterFor(tools: Pick<IsolationTools, 'bwrap' | 'cat'>): Promise<Uint8Array> {
  const known = applied.get(tools.bwrap);
  if (known) return known;
  const filter = syscallFilterProgram();
  // read from a pipe at fd 3, as every holder and launcher gives it
  const args = ['--unshare-user', '--seccomp', '3', '--tmpfs', '/', ...libraryArgs(), '--ro-bind', tools.cat, '/cat', '--', '/cat'];
  const probe = spawn(tools.bwrap, args, { stdio: ['ignore', 'ignore', 'pipe', 'pipe'], env: {} });
  const pipe = probe.stdio[3] as NodeJS.WritableStream;
  pipe.on('error', () => {}); // bwrap gone before it read: its exit says why
  pipe.end(filter);
  let stderr = '';
  probe.stderr!.setEncoding('utf8').on('data', (text: string) => void (stderr.length < 4096 && (stderr += text)));
  const code = await new Promise<number | null>((resolve) => {
    probe.once('error', () => resolve(null));
    probe.once('close', resolve);
  });
  if (code !== 0) {
    throw new Error(
      `bubblewrap could not apply the sandbox's system-call filter (${stderr.trim().split('\n')[0] || `exit ${code}`}), ` +
        "and without it a container could use the kernel keyrings of the session that started octant-exec: this kernel needs seccomp filters (CONFIG_SECCOMP_FILTER), or start with --sandbox-unisolated (no isolation at all)",
    );
  }
  applied.set(tools.bwrap, filter);
  return filter;
}
