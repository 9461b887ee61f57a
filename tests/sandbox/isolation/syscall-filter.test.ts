// Every process of a sandbox container runs under the system-call filter: keyctl, add_key and
// request_key fail with EPERM (Docker's answer), so the kernel keyrings of the session that
// started octant-exec (a login's, with its keys) are out of a container's reach, whatever it
// joined. The filter's program is checked here instruction by instruction, for each architecture
// it knows, a program of another one refused.
import { test } from '../../support/test.ts';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FILTERED_ARCHITECTURES, syscallFilterFor, syscallFilterProgram } from '../../../src/sandbox/isolation/syscall-filter.ts';
import { findIsolationTools } from '../../../src/sandbox/isolation/host-tools.ts';
import { startLab, run, sh } from './support.ts';
import { buildProbe, layerOf, plantProbe } from './probe.ts';
import { openExec } from '../../support/sandbox-exec-client.ts';
import { withTimeout } from '../../support/wait.ts';

/** Runs a classic BPF seccomp program over struct seccomp_data { nr, arch }: what it returns. */
function verdict(program: Uint8Array, arch: number, nr: number): number {
  const view = new DataView(program.buffer, program.byteOffset, program.byteLength);
  const little = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  let accumulator = 0;
  for (let at = 0; at * 8 < program.length; at++) {
    const code = view.getUint16(at * 8, little);
    const [jt, jf, k] = [view.getUint8(at * 8 + 2), view.getUint8(at * 8 + 3), view.getUint32(at * 8 + 4, little)];
    if (code === 0x20) accumulator = k === 0 ? nr : k === 4 ? arch : NaN; // BPF_LD|BPF_W|BPF_ABS: nr at 0, arch at 4
    else if (code === 0x15) at += accumulator === k ? jt : jf; // BPF_JMP|BPF_JEQ|BPF_K
    else if (code === 0x06) return k; // BPF_RET|BPF_K
    else throw new Error(`instruction ${at}: code ${code.toString(16)} is none the filter uses`);
  }
  throw new Error('the program ran off its end');
}

const ALLOW = 0x7fff0000;
const EPERM = 0x00050001;
const KILL_PROCESS = 0x80000000;

test('the program: the key calls get EPERM on each architecture it knows (and their 32-bit and x32 forms), every other call goes through, another architecture is killed', () => {
  const cases: Record<string, { arch: number; key: number[]; other: number[] }[]> = {
    x64: [
      { arch: 0xc000003e, key: [248, 249, 250, 0x400000f8, 0x400000f9, 0x400000fa], other: [0, 1, 59, 56, 435, 0x40000000] },
      { arch: 0x40000003, key: [286, 287, 288], other: [3, 4, 11, 248, 250] },
    ],
    arm64: [
      { arch: 0xc00000b7, key: [217, 218, 219], other: [63, 64, 221, 220, 250] },
      { arch: 0x40000028, key: [309, 310, 311], other: [3, 4, 11, 219] },
    ],
  };
  assert.equal(FILTERED_ARCHITECTURES, Object.keys(cases));
  for (const [machine, arches] of Object.entries(cases)) {
    const program = syscallFilterProgram(machine);
    for (const { arch, key, other } of arches) {
      for (const nr of key) assert.is(verdict(program, arch, nr), EPERM, `${machine}: call ${nr} of arch ${arch.toString(16)}`);
      for (const nr of other) assert.is(verdict(program, arch, nr), ALLOW, `${machine}: call ${nr} of arch ${arch.toString(16)}`);
    }
    const foreign = (machine === 'x64' ? cases.arm64 : cases.x64)[0];
    assert.is(verdict(program, foreign.arch, foreign.key[0]), KILL_PROCESS, `${machine}: a program of another architecture`);
    assert.is(verdict(program, 0xc00000f3, 0), KILL_PROCESS, `${machine}: riscv64`);
  }
});

test('an architecture with no filter: start-up stops with a sentence that says why and what to do', () => {
  assert.throws(() => syscallFilterProgram('riscv64'), (error: Error) => /riscv64/.test(error.message) && /kernel keyrings/.test(error.message) && /--sandbox-unisolated/.test(error.message) && !error.message.includes('\n'));
});

test("a kernel that cannot apply the filter: start-up stops with bubblewrap's reason, what is needed and the way round", async () => {
  const tools = findIsolationTools();
  if ('missing' in tools) throw new Error(tools.missing);
  const dir = mkdtempSync(join(tmpdir(), 'octant-exec-filter-refused-'));
  try {
    // what bwrap says where the kernel has no seccomp filters
    writeFileSync(join(dir, 'bwrap'), '#!/bin/sh\necho "bwrap: prctl(PR_SET_SECCOMP): Invalid argument" >&2\nexit 1\n', { mode: 0o755 });
    const error = await syscallFilterFor({ ...tools, bwrap: join(dir, 'bwrap') }).then(() => undefined, (e: Error) => e);
    assert.ok(error, 'the filter was taken for applied');
    assert.not.match(error!.message, '\n');
    assert.match(error!.message, 'bwrap: prctl(PR_SET_SECCOMP): Invalid argument');
    assert.match(error!.message, 'CONFIG_SECCOMP_FILTER');
    assert.match(error!.message, '--sandbox-unisolated');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const sandbox = await startLab();
const probe = buildProbe(sandbox.scratch);
test.after(() => sandbox.close());

test('in a container, keyctl, add_key and request_key fail with EPERM, on pipes and on a terminal', async () => {
  await sh(sandbox, 'victim', 'true'); // its first start makes its layer
  plantProbe(probe, layerOf(join(sandbox.stateDir, 'pods', 'lab', 'victim'), 'main'));
  const refused = 'keyctl: Operation not permitted\nadd_key: Operation not permitted\nrequest_key: Operation not permitted\n';
  assert.is((await run(sandbox, 'victim', ['/probe', 'keys'])).stdout, refused);
  const onTerminal = await openExec(sandbox, { namespace: 'lab', pod: 'victim', container: 'main', command: ['/probe', 'keys'], tty: true, stderr: false });
  onTerminal.send(4, '{"Width":80,"Height":24}');
  await withTimeout(onTerminal.closed, 15_000, 'the probe on a terminal to end');
  assert.is(onTerminal.stdout().replaceAll('\r\n', '\n'), refused);
});

test("every process of a container runs under the filter: its init and pause, an exec's", async () => {
  const ran = await sh(sandbox, 'victim', 'for f in /proc/[0-9]*/status; do grep -H "^Seccomp:" "$f"; done');
  const lines = ran.stdout.trim().split('\n');
  assert.ok(lines.length >= 3, ran.stdout); // init, pause, this shell and grep
  for (const line of lines) assert.match(line, /^\/proc\/\d+\/status:Seccomp:\s+2$/);
});

test.run();
