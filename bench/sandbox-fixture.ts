// The bench cluster: the demo fixture plus namespace "bench" with `pods` pods of two containers.
import { demoFixture, type SandboxFixture } from '../src/sandbox/index.ts';

/**
 * The demo fixture with room in one pod for `shells` interactive shells open at once: an isolated
 * one holds three of the pod's processes (the launcher's bash, nsenter, sh), so the default
 * podPidsLimit of 1024 stops the 340th (figures 5 and 10 open 500), like a kubelet's limit would.
 */
export function fixtureFor(shells: number): SandboxFixture {
  return { ...demoFixture, podPidsLimit: 1024 + 4 * shells };
}

export function benchFixture(pods: number): SandboxFixture {
  return {
    ...demoFixture,
    namespaces: [
      ...demoFixture.namespaces,
      {
        name: 'bench',
        pods: Array.from({ length: pods }, (_, i) => ({
          name: `bench-${i}`,
          labels: { app: 'bench' },
          containers: [
            { name: 'main', image: 'busybox:1.36', shells: ['sh'], tools: ['coreutils'] },
            { name: 'side', image: 'busybox:1.36', shells: ['sh'], tools: ['coreutils'] },
          ],
        })),
      },
    ],
  };
}
