// An ExecSystem on a fake cluster, a memory log and a virtual clock: the whole actor core, no I/O.
import { FakeExecAdapter, type FakeScript } from '../../src/adapters/fake-exec.ts';
import type { ExecAction } from '../../src/domain/exec-action.ts';
import type { EventStore } from '../../src/events/store.ts';
import { MemoryStore } from '../../src/events/store.ts';
import type { SupervisorConfig } from '../../src/machines/supervisor.ts';
import { VirtualClock } from '../../src/runtime/clock.ts';
import { ExecSystem } from '../../src/runtime/exec-system.ts';

export const t0 = Date.UTC(2026, 10, 26, 12, 0, 0);

export function makeSystem(options: { script?: FakeScript; config?: Partial<SupervisorConfig>; store?: EventStore; warnings?: string[] } = {}) {
  const adapter = new FakeExecAdapter(options.script);
  const store = options.store ?? new MemoryStore();
  const system = ExecSystem.open({
    adapter,
    store,
    config: options.config,
    clock: (start) => new VirtualClock(Math.max(start, t0)),
    warn: (message) => options.warnings?.push(message),
  });
  return { system, adapter, store, clock: system.clock };
}

export function shellIn(pod: string, containers: string[] | 'all' = ['nginx'], overrides: Partial<ExecAction> = {}): ExecAction {
  return {
    target: { namespace: 'default', pod, containers },
    command: { shell: 'auto' },
    interactive: true,
    requestedBy: 'tester',
    ...overrides,
  };
}

/** Let queued microtasks (scripted fake responses) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

/** Restarts an ended terminal and opens its new run's stream: what that run was given, for a test to read. */
export async function restartAndOpen(made: ReturnType<typeof makeSystem>, sessionId: string) {
  const again = made.system.restart(sessionId);
  if (!again || !('run' in again)) throw new Error(`${sessionId} did not restart: ${JSON.stringify(again)}`);
  await settle();
  const stream = made.adapter.last().open();
  await settle();
  return stream;
}
