// Fault injection: what can go wrong between a cluster and a client, on demand, so tests can
// prove every failure ends cleanly. A plan applies to the execs of the pods it matches.
import type { ExecChannels } from '../transports/exec-channels.ts';

export interface FaultPlan {
  /** which execs it applies to; all when absent */
  namespace?: string;
  pod?: string;
  /** drop the connection abruptly (no close frame, no status) after this many output bytes… */
  dropAfterBytes?: number;
  /** …or this long after the exec started */
  dropAfterMs?: number;
  /** stop reading and writing (without closing) after this many output bytes… */
  stallAfterBytes?: number;
  /** …or this long after the exec started */
  stallAfterMs?: number;
  /** a stalled connection is dropped after this long (default 30 s): a stalled path fails in the end */
  stallForMs?: number;
  /** hold the exec upgrade this long before answering it */
  upgradeDelayMs?: number;
  /** answer exec upgrades with this HTTP status (e.g. 500) and a Status body */
  execHttpStatus?: number;
}

const defaultStallMs = 30_000;
const numberKeys = ['dropAfterBytes', 'dropAfterMs', 'stallAfterBytes', 'stallAfterMs', 'stallForMs', 'upgradeDelayMs', 'execHttpStatus'] as const;

/** What is wrong with a fault plan read from a fixture, or undefined. */
export function faultPlanProblem(plan: unknown): string | undefined {
  if (typeof plan !== 'object' || plan === null) return 'must be an object';
  for (const [key, value] of Object.entries(plan)) {
    if (key === 'namespace' || key === 'pod') {
      if (typeof value !== 'string') return `${key} must be a name`;
    } else if (!(numberKeys as readonly string[]).includes(key)) {
      return `has an unknown key "${key}" (known: namespace, pod, ${numberKeys.join(', ')})`;
    } else if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      return `${key} must be a whole number of at least 0`;
    }
  }
  const status = (plan as FaultPlan).execHttpStatus;
  if (status !== undefined && (status < 400 || status > 599)) return 'execHttpStatus must be an HTTP error status (400-599)';
  return undefined;
}

export class SandboxFaults {
  #plans: FaultPlan[] = [];

  constructor(initial: FaultPlan[] = []) {
    this.#plans = [...initial];
  }

  /** Replace the plans (none: no faults). */
  set(plans: FaultPlan[]): void {
    this.#plans = [...plans];
  }

  /** The plan for an exec in this pod, if any (the first that matches). */
  planFor(namespace: string, pod: string): FaultPlan | undefined {
    return this.#plans.find((plan) => (plan.namespace ?? namespace) === namespace && (plan.pod ?? pod) === pod);
  }
}

/** Wrap an exec's channels so a plan's drop or stall happens when its threshold is reached. */
export function withFaults(channels: ExecChannels, plan: FaultPlan | undefined): ExecChannels {
  if (!plan || (plan.dropAfterBytes === undefined && plan.dropAfterMs === undefined && plan.stallAfterBytes === undefined && plan.stallAfterMs === undefined)) return channels;
  let sent = 0;
  let struck = false;
  const timers: ReturnType<typeof setTimeout>[] = [];
  const strike = (fault: 'drop' | 'stall') => {
    if (struck) return;
    struck = true;
    for (const timer of timers) clearTimeout(timer);
    if (fault === 'drop') return channels.abort();
    channels.stall();
    // While stalled nothing is read, so the client leaving goes unseen: end it in time anyway.
    setTimeout(() => channels.abort(), plan.stallForMs ?? defaultStallMs).unref?.();
  };
  if (plan.dropAfterMs !== undefined) timers.push(setTimeout(() => strike('drop'), plan.dropAfterMs));
  if (plan.stallAfterMs !== undefined) timers.push(setTimeout(() => strike('stall'), plan.stallAfterMs));
  channels.onClientGone(() => timers.forEach(clearTimeout));
  const counted = (write: (chunk: Uint8Array) => boolean) => (chunk: Uint8Array) => {
    if (struck) return write(chunk);
    const limit = Math.min(plan.dropAfterBytes ?? Infinity, plan.stallAfterBytes ?? Infinity);
    if (sent + chunk.length < limit) {
      sent += chunk.length;
      return write(chunk);
    }
    // deliver exactly up to the threshold, then strike
    const ok = write(chunk.subarray(0, limit - sent));
    sent = limit;
    strike(limit === plan.dropAfterBytes ? 'drop' : 'stall');
    return ok && false;
  };
  return {
    ...bind(channels),
    stdout: counted((chunk) => channels.stdout(chunk)),
    stderr: counted((chunk) => channels.stderr(chunk)),
    finish: (status) => {
      timers.forEach(clearTimeout);
      if (!struck) channels.finish(status);
    },
  };
}

function bind(channels: ExecChannels): ExecChannels {
  return {
    onStdin: (l) => channels.onStdin(l),
    onStdinEnd: (l) => channels.onStdinEnd(l),
    onResize: (l) => channels.onResize(l),
    onClientGone: (l) => channels.onClientGone(l),
    onDrain: (l) => channels.onDrain(l),
    stdout: (c) => channels.stdout(c),
    stderr: (c) => channels.stderr(c),
    finish: (s) => channels.finish(s),
    abort: () => channels.abort(),
    stall: () => channels.stall(),
    pauseInput: () => channels.pauseInput(),
    resumeInput: () => channels.resumeInput(),
  };
}
