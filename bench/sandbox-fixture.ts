// The bench cluster: the demo fixture plus namespace "bench" with `pods` pods of two containers.
import { demoFixture, type SandboxFixture } from '../src/sandbox/index.ts';

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
