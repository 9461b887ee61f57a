// Root in a sandbox container is the user who started octant-exec, with no capability left: the
// classic ways out of a container (mount, remount a read-only bind, unshare, chroot, sysctls
// through /proc) are refused, while what a container's root may do (its own files, exit codes,
// signals to its own processes) works as in Kubernetes.
import { test } from '../../support/test.ts';
import * as assert from 'uvu/assert';
import { chmodSync, statSync } from 'node:fs';
import { startLab, run, sh } from './support.ts';
import { withTimeout } from '../../support/wait.ts';
import { openExec } from '../../support/sandbox-exec-client.ts';

const sandbox = await startLab();
test.after(() => sandbox.close());

test('uid 0 inside, no capabilities, no new privileges', async () => {
  const ran = await sh(sandbox, 'victim', 'id; grep -E "^(CapEff|CapPrm|CapBnd|NoNewPrivs)" /proc/self/status');
  assert.match(ran.stdout, 'uid=0(root) gid=0(root)');
  assert.match(ran.stdout, /CapPrm:\s+0000000000000000/);
  assert.match(ran.stdout, /CapEff:\s+0000000000000000/);
  assert.match(ran.stdout, /CapBnd:\s+0000000000000000/);
  assert.match(ran.stdout, /NoNewPrivs:\s+1/);
});

test('mount, a remount of a read-only bind, unshare and chroot are refused', async () => {
  const ran = await sh(
    sandbox,
    'victim',
    [
      'mount -t tmpfs none /tmp; echo "mount=$?"',
      'mount -o remount,rw,bind /usr/lib; echo "remount=$?"',
      'umount /usr/lib; echo "umount=$?"',
      'unshare -U true; echo "unshare-user=$?"',
      'unshare -m true; echo "unshare-mount=$?"',
      'chroot / true; echo "chroot=$?"',
      'touch /usr/lib/pwned; echo "write-lib=$?"',
      'touch /usr/bin/sh; echo "write-program=$?"',
    ].join('\n'),
  );
  for (const attempt of ['mount', 'remount', 'umount', 'unshare-user', 'unshare-mount', 'chroot', 'write-lib', 'write-program']) {
    assert.match(ran.stdout, new RegExp(`^${attempt}=[1-9]\\d*$`, 'm'), `${attempt} was allowed:\n${ran.stdout}\n${ran.stderr}`);
  }
});

test("sysctls cannot be written through the container's /proc, and host-wide /proc files are hidden", async () => {
  const ran = await sh(sandbox, 'victim', 'echo 1 > /proc/sys/vm/drop_caches; echo "sysctl=$?"; echo web > /proc/sys/kernel/hostname; echo "hostname=$?"; cat /proc/sys/kernel/hostname');
  assert.match(ran.stdout, /^sysctl=[1-9]/m);
  assert.match(ran.stdout, /^hostname=[1-9]/m);
  assert.match(ran.stdout, /^victim$/m);
  assert.match(ran.stderr, 'Read-only file system');
});

test("/dev's nodes work, and a chmod inside never reaches this machine's, nor another pod's (root inside is root here when root starts the sandbox)", async () => {
  const devices = ['null', 'zero', 'full', 'random', 'urandom', 'tty'];
  const modes = () => devices.map((name) => statSync(`/dev/${name}`).mode & 0o7777);
  const before = modes();
  try {
    // the sticky bit: nothing on a device node, and seen here if it came through
    const ran = await sh(sandbox, 'victim', 'for d in null zero full random urandom tty; do chmod 1666 /dev/$d 2>/dev/null; done; echo x > /dev/null; echo "write=$?"; head -c 4 /dev/urandom | wc -c; head -c 3 /dev/zero | wc -c');
    assert.match(ran.stdout, /^write=0\n4\n3\n$/, ran.stdout + ran.stderr);
    assert.equal(modes(), before, "this machine's device nodes are as they were");
    const other = await sh(sandbox, 'bystander', 'stat -c %a /dev/null /dev/urandom');
    assert.is(other.stdout, '666\n666\n', "another pod's are as they were: each pod has its own");
  } finally {
    devices.forEach((name, at) => (statSync(`/dev/${name}`).mode & 0o7777) !== before[at] && chmodSync(`/dev/${name}`, before[at]));
  }
});

test("/dev is read-only (a tmpfs: what root inside wrote there was this machine's memory); /dev/shm is writable, 64 MiB, as in Kubernetes", async () => {
  const ran = await sh(sandbox, 'victim', [
    'dd if=/dev/zero of=/dev/fill bs=1k count=1 2>&1; echo "fill=$?"',
    'mkdir /dev/dir 2>&1; echo "mkdir=$?"',
    'echo kept > /dev/shm/file && cat /dev/shm/file',
    'stat -f -c "shm=%b*%S" /dev/shm',
    'echo x > /dev/null; echo "null=$?"',
  ].join('; '));
  assert.match(ran.stdout, /^fill=[1-9]\d*$/m, ran.stdout);
  assert.match(ran.stdout, /^mkdir=[1-9]\d*$/m, ran.stdout);
  assert.match(ran.stdout, 'Read-only file system');
  assert.match(ran.stdout, /^kept$/m);
  const [blocks, size] = /^shm=(\d+)\*(\d+)$/m.exec(ran.stdout)!.slice(1).map(Number);
  assert.is(blocks * size, 64 * 1024 * 1024);
  assert.match(ran.stdout, /^null=0$/m);
});

test('hostname, /etc/hostname and the bash prompt name the pod', async () => {
  const ran = await sh(sandbox, 'victim', 'hostname; cat /etc/hostname; whoami');
  assert.is(ran.stdout, 'victim\nvictim\nroot\n');
  const session = await openExec(sandbox, { namespace: 'lab', pod: 'victim', container: 'main', command: ['bash'], stdin: true, tty: true, stderr: false });
  session.send(4, '{"Width":80,"Height":24}');
  session.send(0, 'exit 5\r');
  await withTimeout(session.closed, 15_000, 'bash to exit');
  assert.match(session.stdout(), 'root@victim:/# ');
  assert.equal((session.status()?.details as { causes: unknown[] }).causes, [{ reason: 'ExitCode', message: '5' }]);
});

test('exit codes cross the isolation as they are: 42, 126, 127, 128+signal', async () => {
  assert.is((await sh(sandbox, 'victim', 'exit 42')).code, 42);
  assert.is((await sh(sandbox, 'victim', '/etc/hostname')).code, 126);
  assert.is((await sh(sandbox, 'victim', 'no-such-program')).code, 127);
  assert.is((await sh(sandbox, 'victim', 'kill -TERM $$')).code, 143);
  assert.is((await sh(sandbox, 'victim', 'kill -KILL $$')).code, 137);
});

test("a program missing from the image is not found, in runc's words, even when this machine has it", async () => {
  const ran = await run(sandbox, 'bystander', ['bash', '-c', 'true']);
  assert.is(ran.code, undefined);
  assert.match(String(ran.status?.message), 'exec: "bash": executable file not found in $PATH');
  const byPath = await run(sandbox, 'bystander', ['/usr/bin/python3', '-c', '1']);
  assert.match(String(byPath.status?.message), 'exec: "/usr/bin/python3": stat /usr/bin/python3: no such file or directory');
});

test.run();
