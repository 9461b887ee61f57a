// The sandbox's cluster description: namespaces, pods, containers and what each container's
// image holds. Loaded from JSON (see docs/sandbox.md) or the built-in demo fixture.
import { readFileSync } from 'node:fs';
import { isValidName } from '../domain/names.ts';
import { faultPlanProblem, type FaultPlan } from './faults.ts';

export type ContainerStateFixture =
  | 'running'
  | { waiting: { reason: string; message?: string } }
  | { terminated: { exitCode: number; reason: string } };

export interface ContainerFixture {
  name: string;
  image?: string;
  /** shells in the image, by name: sh, bash, dash, zsh, fish… (host binaries of that name) */
  shells?: string[];
  /** tools in the image: a bundle name (see tool-catalog.ts) or a single program name */
  tools?: string[];
  env?: Record<string, string>;
  /** default: running */
  state?: ContainerStateFixture;
}

export interface PodFixture {
  name: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** every exec into this pod is refused like an RBAC denial (403) */
  execForbidden?: boolean;
  /** the pod's containers share one PID namespace (each sees the others' processes), as in Kubernetes */
  shareProcessNamespace?: boolean;
  containers: ContainerFixture[];
  initContainers?: ContainerFixture[];
}

export interface NamespaceFixture {
  name: string;
  pods: PodFixture[];
}

export interface SandboxFixture {
  /** the user name the sandbox's RBAC refusals name; default "octant-exec-sandbox-user" */
  user?: string;
  namespaces: NamespaceFixture[];
  /** faults to inject from the start (faults.ts, docs/sandbox.md) */
  faults?: FaultPlan[];
  /** the most processes one pod may have at once, like the kubelet's podPidsLimit; default 1024 */
  podPidsLimit?: number;
}

/** Reads and checks a fixture file; throws an Error whose message says what is wrong and where. */
export function loadFixtureFile(path: string): SandboxFixture {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`fixture ${path}: ${(error as Error).message}`);
  }
  return checkFixture(parsed, path);
}

export function checkFixture(value: unknown, where = 'fixture'): SandboxFixture {
  const fail = (path: string, what: string): never => {
    throw new Error(`${where}: ${path} ${what}`);
  };
  const fixture = value as SandboxFixture;
  if (!fixture || !Array.isArray(fixture.namespaces)) fail('namespaces', 'must be an array');
  const seenNamespaces = new Set<string>();
  fixture.namespaces.forEach((ns, i) => {
    const at = `namespaces[${i}]`;
    if (typeof ns?.name !== 'string' || !isValidName('namespace', ns.name)) fail(`${at}.name`, 'must be a DNS-1123 label');
    if (seenNamespaces.has(ns.name)) fail(`${at}.name`, `repeats "${ns.name}"`);
    seenNamespaces.add(ns.name);
    if (!Array.isArray(ns.pods)) fail(`${at}.pods`, 'must be an array');
    const seenPods = new Set<string>();
    ns.pods.forEach((pod, j) => {
      const podAt = `${at}.pods[${j}]`;
      if (typeof pod?.name !== 'string' || !isValidName('pod', pod.name)) fail(`${podAt}.name`, 'must be a DNS-1123 subdomain');
      if (seenPods.has(pod.name)) fail(`${podAt}.name`, `repeats "${pod.name}"`);
      seenPods.add(pod.name);
      if (!Array.isArray(pod.containers) || pod.containers.length === 0) fail(`${podAt}.containers`, 'must be a non-empty array');
      if (pod.shareProcessNamespace !== undefined && typeof pod.shareProcessNamespace !== 'boolean') fail(`${podAt}.shareProcessNamespace`, 'must be true or false');
      const seenContainers = new Set<string>();
      [...pod.containers, ...(pod.initContainers ?? [])].forEach((c, k) => {
        const cAt = `${podAt}.containers[${k}]`;
        if (typeof c?.name !== 'string' || !isValidName('container', c.name)) fail(`${cAt}.name`, 'must be a DNS-1123 label');
        if (seenContainers.has(c.name)) fail(`${cAt}.name`, `repeats "${c.name}"`);
        seenContainers.add(c.name);
        for (const list of ['shells', 'tools'] as const) {
          const names = c[list];
          if (names !== undefined && (!Array.isArray(names) || names.some((n) => typeof n !== 'string' || !/^[A-Za-z0-9._+-]+$/.test(n)))) {
            fail(`${cAt}.${list}`, 'must be an array of program names');
          }
        }
      });
    });
  });
  if (fixture.podPidsLimit !== undefined && !(Number.isInteger(fixture.podPidsLimit) && fixture.podPidsLimit >= 8 && fixture.podPidsLimit <= 1_000_000)) {
    fail('podPidsLimit', 'must be a whole number from 8 to 1000000');
  }
  if (fixture.faults !== undefined && !Array.isArray(fixture.faults)) fail('faults', 'must be an array of fault plans');
  (fixture.faults ?? []).forEach((plan, i) => {
    const problem = faultPlanProblem(plan);
    if (problem) fail(`faults[${i}]`, problem);
  });
  return fixture;
}
