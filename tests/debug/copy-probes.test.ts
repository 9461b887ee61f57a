// A debug copy removes every probe (docs/api.md, mode copy), native sidecars' too: a sidecar
// (an init container with restartPolicy Always) may have startup, liveness and readiness probes,
// and a startup probe that fails holds every regular container of the copy back.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { V1Pod } from '@kubernetes/client-node';
import { debugCopyOf } from '../../src/adapters/kubernetes/debug-copy-spec.ts';

const probe = { httpGet: { path: '/healthz', port: 15021 } };
const meshed: V1Pod = {
  metadata: { name: 'meshed', namespace: 'default' },
  spec: {
    initContainers: [
      { name: 'setup', image: 'busybox:1.36', command: ['true'] },
      { name: 'proxy', image: 'proxy:1', restartPolicy: 'Always', startupProbe: probe, livenessProbe: probe, readinessProbe: probe },
    ],
    containers: [{ name: 'app', image: 'busybox:1.36', command: ['sh', '-c', 'exit 1'], livenessProbe: probe }],
  },
};

test("a debug copy keeps no probe, not even a native sidecar's", () => {
  const copy = debugCopyOf(meshed, 'app', 'meshed-debug-bcdfg', 'alice');
  const probes = [...(copy.spec!.initContainers ?? []), ...copy.spec!.containers].flatMap((c) => [c.startupProbe, c.livenessProbe, c.readinessProbe].filter(Boolean).map(() => c.name));
  assert.equal(probes, []);
  // the rest of the sidecar stays as it was
  assert.equal(copy.spec!.initContainers!.map((c) => [c.name, c.image, c.restartPolicy]), [['setup', 'busybox:1.36', undefined], ['proxy', 'proxy:1', 'Always']]);
  assert.equal(copy.spec!.initContainers![0].command, ['true']);
});

test.run();
