// A small cluster whose containers have main processes of their own, for the main-process,
// attach and logs tests.
import type { SandboxFixture } from '../../../src/sandbox/fixture/fixture.ts';

const BUSYBOX = ['coreutils', 'procps', 'textutils'];

/** The test cluster; `marker` goes into the command line of pod `doomed`'s main process, to find it among this machine's processes. */
export const mainProcessFixture = (marker = 'doomed-main-process'): SandboxFixture => ({
  users: [{ name: 'viewer', groups: ['viewers'] }],
  rbac: [
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'pod-viewer' }, rules: [{ apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list', 'watch'] }] },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'viewers' }, subjects: [{ kind: 'Group', name: 'viewers' }], roleRef: { kind: 'ClusterRole', name: 'pod-viewer' } },
  ],
  namespaces: [
    {
      name: 'demo',
      pods: [
        // Writes to both streams, then ends with 3.
        { name: 'exits', containers: [{ name: 'job', shells: ['sh'], tools: BUSYBOX, command: ['sh', '-c'], args: ['echo out-$((2*3)); echo err-$((3*3)) >&2; exit 3'] }] },
        { name: 'missing', containers: [{ name: 'app', shells: ['sh'], command: ['no-such-program'] }] },
        // A line-reading loop on pipes: what attach -i without a terminal meets.
        {
          name: 'echoer',
          containers: [
            { name: 'loop', shells: ['sh'], tools: BUSYBOX, command: ['sh', '-c', 'echo ready; while read line; do echo "got $line"; done; echo stdin-closed; sleep 1000'], stdin: true, stdinOnce: true },
            { name: 'quiet', shells: ['sh'], tools: BUSYBOX },
          ],
        },
        { name: 'console', containers: [{ name: 'console', shells: ['sh'], tools: BUSYBOX, command: ['sh'], stdin: true, tty: true }] },
        { name: 'waiting', containers: [{ name: 'app', shells: ['sh'], command: ['sh'], state: { waiting: { reason: 'CrashLoopBackOff' } } }] },
        { name: 'doomed', containers: [{ name: 'app', shells: ['sh'], tools: BUSYBOX, command: ['sh', '-c', `echo up; sleep 1000; : ${marker}`] }] },
        { name: 'locked', execForbidden: true, containers: [{ name: 'app', shells: ['sh'], command: ['sleep', '1000'], stdin: true }] },
        { name: 'victim', containers: [{ name: 'app', shells: ['sh'], tools: BUSYBOX, command: ['sleep', '1000'] }] },
        { name: 'chatty', containers: [{ name: 'app', shells: ['sh'], tools: BUSYBOX, command: ['sh', '-c', 'seq 1 5; echo done; sleep 1000'] }] },
      ],
    },
  ],
});
