// The built-in demo cluster: one example of every case a dashboard's exec has to handle
// (default container, shell-less image, crash-looping container, RBAC refusal, label selection).
import type { SandboxFixture } from './fixture.ts';

/** What busybox (and so alpine) images carry besides sh. */
const BUSYBOX = ['coreutils', 'procps', 'textutils'];

const worker = (i: number) => ({
  name: `worker-${i}`,
  labels: { app: 'worker' },
  containers: [
    { name: 'main', image: 'busybox:1.36', shells: ['sh'], tools: BUSYBOX, env: { WORKER_INDEX: String(i) } },
    { name: 'logger', image: 'busybox:1.36', shells: ['sh'], tools: BUSYBOX },
  ],
});

export const demoFixture: SandboxFixture = {
  namespaces: [
    {
      name: 'default',
      pods: [
        {
          name: 'web',
          labels: { app: 'web', tier: 'frontend' },
          annotations: { 'kubectl.kubernetes.io/default-container': 'nginx' },
          containers: [
            { name: 'sidecar', image: 'busybox:1.36', shells: ['sh'], tools: BUSYBOX },
            { name: 'nginx', image: 'nginx:1.27', shells: ['bash', 'sh'], tools: ['coreutils'], env: { NGINX_PORT: '80' } },
          ],
        },
        { name: 'alpine-tools', labels: { app: 'tools' }, containers: [{ name: 'tools', image: 'alpine:3.20', shells: ['sh'], tools: BUSYBOX }] },
        { name: 'distroless-app', labels: { app: 'distroless' }, containers: [{ name: 'app', image: 'gcr.io/distroless/static:nonroot' }] },
        {
          name: 'crashloop',
          labels: { app: 'crashloop' },
          containers: [
            {
              name: 'app',
              image: 'busybox:1.36',
              shells: ['sh'],
              state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container=app pod=crashloop_default' } },
            },
          ],
        },
      ],
    },
    { name: 'batch', pods: [0, 1, 2].map(worker) },
    {
      name: 'restricted',
      pods: [{ name: 'secret-db', labels: { app: 'db' }, execForbidden: true, containers: [{ name: 'db', image: 'postgres:16', shells: ['bash', 'sh'], tools: ['coreutils'] }] }],
    },
  ],
};
