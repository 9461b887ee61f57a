// What the server process costs, under the names Prometheus's own client libraries use (process_*,
// nodejs_*) so existing dashboards read them, and how late its event loop runs: every terminal's
// bytes and every page's messages wait on that one thread, so a late loop is what a person at the
// keyboard feels first. The delay is measured by a timer of our own (how late each tick fires),
// which reads the same under Node and Deno (Deno's monitorEventLoopDelay does not measure).
import process from 'node:process';
import type { Family } from './exposition.ts';
import { Histogram } from './histogram.ts';

const TICK_MS = 100;
const DELAY_BOUNDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export class ProcessMetrics {
  readonly #delay = new Histogram(DELAY_BOUNDS);
  readonly #timer: ReturnType<typeof setInterval>;
  readonly #startSeconds = (Date.now() - process.uptime() * 1000) / 1000;

  constructor() {
    let expected = performance.now() + TICK_MS;
    this.#timer = setInterval(() => {
      const now = performance.now();
      this.#delay.observe(Math.max(0, now - expected) / 1000);
      expected = now + TICK_MS;
    }, TICK_MS);
    // a metric must never keep a stopping process alive
    (this.#timer as { unref?: () => void }).unref?.();
  }

  families(): Family[] {
    const memory = process.memoryUsage();
    const cpu = process.cpuUsage();
    const gauge = (name: string, help: string, value: number): Family => ({ name, help, type: 'gauge', samples: [{ value }] });
    const counter = (name: string, help: string, value: number): Family => ({ name, help, type: 'counter', samples: [{ value }] });
    return [
      counter('process_cpu_user_seconds_total', 'CPU time the process spent in user mode, in seconds.', cpu.user / 1e6),
      counter('process_cpu_system_seconds_total', 'CPU time the process spent in the kernel, in seconds.', cpu.system / 1e6),
      counter('process_cpu_seconds_total', 'CPU time the process spent, user and kernel, in seconds.', (cpu.user + cpu.system) / 1e6),
      gauge('process_resident_memory_bytes', 'Resident memory of the process, in bytes.', memory.rss),
      gauge('process_start_time_seconds', 'When the process started, in seconds since the Unix epoch.', Math.round(this.#startSeconds)),
      gauge('nodejs_heap_size_total_bytes', 'JavaScript heap the process has reserved, in bytes.', memory.heapTotal),
      gauge('nodejs_heap_size_used_bytes', 'JavaScript heap in use, in bytes.', memory.heapUsed),
      gauge('nodejs_external_memory_bytes', 'Memory held outside the JavaScript heap by its objects (buffers), in bytes.', memory.external),
      this.#delay.family('octant_exec_event_loop_delay_seconds', `How late a timer due every ${TICK_MS} ms ran: the time any work waited for the server's one thread.`),
    ];
  }

  close(): void {
    clearInterval(this.#timer);
  }
}
