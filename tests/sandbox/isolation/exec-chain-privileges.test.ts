// Every exec joins its container's user namespace with nsenter, and the kernel gives a process
// joining a user namespace every capability in it: until setpriv drops them, the exec chain is
// privileged in the pod. Nothing it runs or reads in that window may be the container's to
// change (its writable layer, or the tmpfs bubblewrap makes its /dev), or root in a container gets
// every capability in its pod at its next exec: remounting a read-only bind of this machine's
// /usr/lib writable, and, when root started the sandbox, writing into it.
import { test } from '../../support/test.ts';
import * as assert from 'uvu/assert';
import { existsSync, rmSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { startLab, sh } from './support.ts';

const sandbox = await startLab();
const canary = `/usr/lib/octant-exec-pod-wrote-this-${randomBytes(6).toString('hex')}`;
test.after(async () => {
  rmSync(canary, { force: true });
  await sandbox.close();
});

test("a container cannot swap the helpers in /dev/.sandbox for its own and get capabilities at the next exec", async () => {
  const planted = await sh(
    sandbox,
    'victim',
    [
      'mv /dev/.sandbox /dev/.old && mkdir /dev/.sandbox && cp /dev/.old/setsid /dev/.old/env /dev/.sandbox/',
      'printf "#!/bin/sh\\ngrep CapEff /proc/self/status; mount -o remount,rw,bind /usr/lib && touch $1\\n" > /dev/.sandbox/setpriv',
      'chmod 755 /dev/.sandbox/setpriv; echo planted',
    ].join('; '),
    [canary],
  );
  const next = await sh(sandbox, 'victim', 'grep CapEff /proc/self/status');
  assert.not.ok(existsSync(canary), `a pod wrote ${canary} on this machine:\n${planted.stdout}${planted.stderr}\n${next.stdout}`);
  assert.match(next.stdout, /^CapEff:\s+0+$/m, `the next exec ran: ${next.stdout}${next.stderr}`);
});

// A library whose constructor calls sethostname("pwned"), which only a process with CAP_SYS_ADMIN in the pod may.
const SETS_HOSTNAME_SO = gunzipSync(Buffer.from('H4sICA+vE2sCA3Auc28ArVTNbtNAEJ51mjRAAKsqklGK1AsCRNk2EUioqIBU/iQ4ABISt2hTuziodpC9FUkvfYJKPfYZOPXYExc48hAc4BFA4oKx65lkd0QUQIxkf/7GMzuzM7uze//JA0cIIKnAbRgzgLuIRxVTdxOq+fs0NI5tqzBZGo6N4JZQ+NUKinp3zsa6sJH8HPTz0M+bs3GUPPkjffpV+zM5fkI9x3mwcQbxWe5Xgz8X1wgvjHT+VkZ1QH6ICx29y1+P9tYK/fui8GerH968jQO/iNWs3HIx5pcsy5aM/Yid5yAGrmg2Zuv7osxzoVg3t5s34lKc8yyPJtj5fPuZ9Qt8ifZ0BvaRU80GyE+y9pxC9BBnEQ9Y3+j/CcZ/ZGX8f63vNHm4vr66ePle0O2peLHVlm25cq11/aofdFvt7dYVVAHINEx1olUX5Kt4W4YqDUH6wzgdRiXqBGQSbKmCgNTBQOe87yutQAZhZzNRUdAJ/WTMQPbinu6oJFHD4zVU1NsAudGPoiDW/2l/Rf2/5zWka0l9JFyA8X0z+0FyDtdwWJ8JvdE8KXvE+3kB/zns3BDyvnJ+Ee+ow87NAYvP8yf9sjGDzHN/yObBpPg3UNdG/lHYWJvgT7iG35TfpHkEbB6RPGb+n4WNS8ye9+9F/pzBHljz1/m9fZ2hwj2S/2gOO/ZGK8yP5uNrNFlhcTx0uDSlfsJY25Q7qEyn9O8XPPgkMvgGAAA=', 'base64')).toString('base64');

test("the loader of the exec chain's privileged step does not read the container's /etc/ld.so.preload", async () => {
  // Written in place, or in a new /etc put where the layer's was: whichever way works.
  const plant = 'echo "$1" | base64 -d > /tmp/p.so; { echo /tmp/p.so > /etc/ld.so.preload || { mv /etc /etc.old && mkdir /etc && echo /tmp/p.so > /etc/ld.so.preload; }; } 2>/dev/null';
  await sh(sandbox, 'bystander', plant, [SETS_HOSTNAME_SO]);
  const next = await sh(sandbox, 'bystander', 'cat /proc/sys/kernel/hostname; rm -f /etc/ld.so.preload 2>/dev/null; true');
  assert.is(next.stdout, 'bystander\n', "a library of the container's ran with capabilities in its pod");
});

test.run();
