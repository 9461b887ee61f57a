// The team install in deploy/ and the Dockerfile, checked as far as this machine can without a
// cluster or a Docker engine: every YAML file parses into Kubernetes objects; the names that must
// agree do (the service account, its binding, the volume claim, the Service's port, the Ingress);
// each Deployment runs non-root with a read-only root filesystem and nothing to escalate with,
// probes /healthz and /readyz; one replica keeps its state on the volume, or several (replicas.yaml)
// share a PostgreSQL store named in a Secret, with a PodDisruptionBudget over them; the server's
// arguments are ones `octant-exec serve` takes (its own flag parser and spec decide); and the image
// runs what the manifests expect.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadAll } from 'js-yaml';
import { parseFlags } from '../../src/cli/flags.ts';
import { serveSpec } from '../../src/cli/serve/serve-spec.ts';
import { metricsAddress } from '../../src/cli/serve/metrics-address.ts';

const root = new URL('../../', import.meta.url).pathname;
const deploy = join(root, 'deploy');

// deno-lint-ignore no-explicit-any
type Obj = Record<string, any>;

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return yamlFiles(path);
      return /\.ya?ml$/.test(name) ? [path] : [];
    });
}

const files = yamlFiles(deploy).map((path) => ({ name: relative(deploy, path), objects: loadAll(readFileSync(path, 'utf8')).filter((doc) => doc != null) as Obj[] }));
const all = files.flatMap((file) => file.objects.map((object) => ({ file: file.name, object })));
const ofKind = (kind: string) => all.filter(({ object }) => object.kind === kind);
const one = (kind: string) => {
  const found = ofKind(kind);
  assert.is(found.length, 1, `one ${kind} in deploy/ (found ${found.map((f) => f.file).join(', ') || 'none'})`);
  return found[0].object;
};
const deployments = () => ofKind('Deployment');
/** Replicas share the event log in a store (--store-file); the others keep it in their state directory. */
const replicated = (deployment: Obj) => flag(server(deployment).args, 'store-file') !== undefined;
const singleWriters = () => deployments().filter(({ object }) => !replicated(object));
const replicaLayouts = () => deployments().filter(({ object }) => replicated(object));

const NAMESPACE = 'octant-exec';
const cluster = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'Kustomization']);

/** The server's container of a Deployment and its arguments after `serve`. */
function server(deployment: Obj): { container: Obj; args: string[] } {
  const container = deployment.spec.template.spec.containers.find((c: Obj) => c.name === 'octant-exec');
  assert.ok(container, 'a container named octant-exec');
  const args: string[] = container.args;
  assert.is(args[0], 'serve', 'the command is serve');
  return { container, args: args.slice(1) };
}

/** `--name=value` or `--name value` → value (the last one given) */
function flag(args: string[], name: string): string | undefined {
  let value: string | undefined;
  args.forEach((arg, i) => {
    if (arg === `--${name}`) value = args[i + 1] ?? '';
    else if (arg.startsWith(`--${name}=`)) value = arg.slice(name.length + 3);
  });
  return value;
}

test('every file in deploy/ parses into Kubernetes objects, each in the octant-exec namespace unless cluster-wide', () => {
  assert.ok(files.length >= 8, `deploy/ has its manifests (${files.map((f) => f.name).join(', ')})`);
  for (const { file, object } of all) {
    assert.type(object.apiVersion, 'string', `${file}: apiVersion`);
    assert.type(object.kind, 'string', `${file}: kind`);
    if (object.kind === 'Kustomization') continue;
    assert.type(object.metadata?.name, 'string', `${file}: metadata.name`);
    if (!cluster.has(object.kind)) assert.is(object.metadata.namespace, NAMESPACE, `${file}: ${object.kind} ${object.metadata.name} is in ${NAMESPACE}`);
  }
  assert.is(one('Namespace').metadata.name, NAMESPACE);
});

test('the kustomization lists files that exist, the RBAC among them, and leaves the examples out', () => {
  const resources: string[] = one('Kustomization').resources;
  for (const resource of resources) assert.ok(files.some((f) => f.name === resource), `${resource} exists in deploy/`);
  assert.ok(resources.includes('rbac.yaml'));
  assert.ok(resources.includes('deployment.yaml'));
  assert.not.ok(resources.some((r) => r.includes('example')), 'examples are applied by hand');
  const kinds = resources.flatMap((r) => files.find((f) => f.name === r)!.objects.map((o) => o.kind)).sort();
  assert.equal(kinds, ['ClusterRole', 'ClusterRoleBinding', 'Deployment', 'Namespace', 'PersistentVolumeClaim', 'Service', 'ServiceAccount']);
});

test('the service account, its binding and every Deployment name the same identity', () => {
  const account = one('ServiceAccount');
  const binding = one('ClusterRoleBinding');
  const role = one('ClusterRole');
  assert.equal(binding.subjects, [{ kind: 'ServiceAccount', name: account.metadata.name, namespace: account.metadata.namespace }]);
  assert.equal(binding.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role.metadata.name });
  for (const { file, object } of deployments()) {
    assert.is(object.spec.template.spec.serviceAccountName, account.metadata.name, file);
  }
});

test("the service account's token reaches the octant-exec container, and no other (a sidecar facing the network never holds it)", () => {
  const tokenPath = '/var/run/secrets/kubernetes.io/serviceaccount';
  for (const { file, object } of deployments()) {
    const pod = object.spec.template.spec;
    const containers = pod.containers as Obj[];
    const projected = new Set((pod.volumes as Obj[]).filter((v) => v.projected?.sources?.some((s: Obj) => s.serviceAccountToken?.path === 'token')).map((v) => v.name));
    const holds = (container: Obj) => (container.volumeMounts ?? []).some((m: Obj) => projected.has(m.name) && m.mountPath === tokenPath);
    if (pod.automountServiceAccountToken === true) {
      assert.is(containers.length, 1, `${file}: an automounted token goes to every container`);
      continue;
    }
    assert.is(pod.automountServiceAccountToken, false, file);
    assert.ok(holds(server(object).container), `${file}: --in-cluster reads the token at ${tokenPath}`);
    for (const container of containers.filter((c) => c !== server(object).container)) assert.not.ok(holds(container), `${file}: ${container.name} holds the token`);
    const sources = (pod.volumes as Obj[]).find((v) => projected.has(v.name))!.projected.sources as Obj[];
    assert.ok(sources.some((s) => s.configMap?.items?.some((i: Obj) => i.path === 'ca.crt')) && sources.some((s) => s.downwardAPI?.items?.some((i: Obj) => i.path === 'namespace')), `${file}: the CA and the namespace beside the token`);
  }
});

test('a Deployment with its log in the state directory: one replica, recreated', () => {
  assert.equal(singleWriters().map(({ file }) => file), ['deployment.yaml', 'examples/deployment-oidc.yaml']);
  for (const { file, object } of singleWriters()) {
    assert.is(object.spec.replicas, 1, `${file}: one writer of the event log`);
    assert.is(object.spec.strategy?.type, 'Recreate', `${file}: the old pod lets go of the log first`);
  }
});

test('the replica layout: several replicas, rolled one at a time without ever fewer ready', () => {
  assert.equal(replicaLayouts().map(({ file }) => file), ['replicas.yaml']);
  for (const { file, object } of replicaLayouts()) {
    assert.ok(object.spec.replicas >= 2, `${file}: replicas ${object.spec.replicas}`);
    assert.equal(object.spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }, file);
  }
});

test('each Deployment: non-root, read-only root, nothing to escalate with, RuntimeDefault seccomp', () => {
  assert.ok(deployments().length >= 3, 'the proxy-mode Deployment, the OIDC example and the replicas');
  for (const { file, object } of deployments()) {
    const pod = object.spec.template.spec;
    assert.is(pod.securityContext.runAsNonRoot, true, file);
    assert.is(pod.securityContext.runAsUser, 10001, file);
    assert.is(pod.securityContext.seccompProfile?.type, 'RuntimeDefault', file);
    assert.equal(object.spec.selector.matchLabels, { 'app.kubernetes.io/name': 'octant-exec' }, file);
    assert.is(pod.hostNetwork ?? false, false, file);
    for (const container of pod.containers as Obj[]) {
      const where = `${file}: ${container.name}`;
      const sc = container.securityContext ?? {};
      assert.is(sc.allowPrivilegeEscalation, false, `${where}: allowPrivilegeEscalation`);
      assert.is(sc.readOnlyRootFilesystem, true, `${where}: readOnlyRootFilesystem`);
      assert.equal(sc.capabilities?.drop, ['ALL'], `${where}: capabilities`);
      assert.not.ok(sc.capabilities?.add?.length, `${where}: no capability added`);
      assert.is(sc.runAsNonRoot ?? pod.securityContext.runAsNonRoot, true, `${where}: runAsNonRoot`);
      assert.is(sc.privileged ?? false, false, `${where}: not privileged`);
      assert.is((sc.seccompProfile ?? pod.securityContext.seccompProfile)?.type, 'RuntimeDefault', `${where}: seccomp`);
      assert.ok(container.resources?.requests?.memory && container.resources?.limits?.memory, `${where}: memory requested and limited`);
    }
    assert.is(server(object).container.securityContext.runAsUser, 10001, `${file}: the image's user`);
  }
});

test("the server's probes: liveness /healthz, readiness /readyz, on a port the container opens", () => {
  for (const { file, object } of deployments()) {
    const { container } = server(object);
    const ports = new Map<string | number, number>((container.ports as Obj[]).flatMap((p) => [[p.name, p.containerPort] as [string, number], [p.containerPort, p.containerPort] as [number, number]]));
    assert.is(container.livenessProbe?.httpGet?.path, '/healthz', `${file}: liveness`);
    assert.is(container.readinessProbe?.httpGet?.path, '/readyz', `${file}: readiness`);
    for (const probe of [container.livenessProbe, container.readinessProbe, container.startupProbe].filter(Boolean)) {
      assert.ok(ports.has(probe.httpGet.port), `${file}: probe port ${probe.httpGet.port} is the container's`);
      assert.is(ports.get(probe.httpGet.port), Number(flag(server(object).args, 'port')), `${file}: the probe reaches --port`);
    }
  }
});

test('the state directory is the volume claim (an emptyDir for replicas), mounted where --state-dir says; /tmp is an emptyDir', () => {
  const claim = one('PersistentVolumeClaim');
  for (const { file, object } of deployments()) {
    const { container, args } = server(object);
    const volumes = new Map<string, Obj>((object.spec.template.spec.volumes as Obj[]).map((v) => [v.name, v]));
    const mountAt = (path: string) => (container.volumeMounts as Obj[]).find((m) => m.mountPath === path);
    const stateDir = flag(args, 'state-dir');
    assert.ok(stateDir, `${file}: --state-dir`);
    const state = mountAt(stateDir!);
    assert.ok(state, `${file}: a volume at ${stateDir}`);
    if (replicated(object)) assert.ok(volumes.get(state.name)?.emptyDir, `${file}: the log is in the store; nothing in the state directory outlives the pod`);
    else assert.is(volumes.get(state.name)?.persistentVolumeClaim?.claimName, claim.metadata.name, `${file}: the state volume is the claim`);
    assert.ok(volumes.get(mountAt('/tmp')?.name)?.emptyDir, `${file}: /tmp is an emptyDir`);
  }
});

test('the server takes every argument the manifests give it (serve --help lists them)', () => {
  for (const { file, object } of deployments()) {
    const { args } = server(object);
    try {
      parseFlags(serveSpec, args);
    } catch (error) {
      assert.unreachable(`${file}: octant-exec serve ${args.join(' ')}: ${(error as Error).message}`);
    }
    assert.ok(args.includes('--in-cluster'), `${file}: --in-cluster`);
    assert.match(flag(args, 'auth') ?? '', /^(proxy|oidc|kube-token)$/, `${file}: a team sign-in`);
    assert.is(flag(args, 'admin-group'), 'octant-admins', file);
  }
});

test("the replica layout: a PodDisruptionBudget over the replicas' pods, one taken down at a time", () => {
  for (const { file, object } of replicaLayouts()) {
    const budgets = all.filter((o) => o.file === file && o.object.kind === 'PodDisruptionBudget').map((o) => o.object);
    assert.is(budgets.length, 1, `${file}: a PodDisruptionBudget beside the Deployment`);
    const [budget] = budgets;
    assert.is(budget.apiVersion, 'policy/v1');
    assert.is(budget.spec.maxUnavailable, 1, `${file}: one at a time, whatever the replica count`);
    assert.is(budget.spec.minAvailable, undefined, `${file}: not both`);
    const labels = object.spec.template.metadata.labels as Obj;
    const selector = budget.spec.selector.matchLabels as Obj;
    assert.ok(Object.keys(selector).length > 0, `${file}: the budget selects something`);
    for (const [key, value] of Object.entries(selector)) assert.is(labels[key], value, `${file}: the budget's ${key} matches the pod's labels`);
    assert.equal(selector, object.spec.selector.matchLabels, `${file}: the budget covers the Deployment's pods`);
  }
  assert.equal(ofKind('PodDisruptionBudget').map(({ file }) => file), ['replicas.yaml'], 'a single replica gets no budget (it could never be drained)');
});

test('the replica layout: the store URL comes from a Secret mounted read-only, at the file the argument names', () => {
  const secrets = { 'store-file': { secret: 'octant-exec-store', key: 'url' } };
  for (const { file, object } of replicaLayouts()) {
    const { container, args } = server(object);
    const volumes = new Map<string, Obj>((object.spec.template.spec.volumes as Obj[]).map((v) => [v.name, v]));
    for (const [name, { secret, key }] of Object.entries(secrets)) {
      const path = flag(args, name);
      assert.ok(path, `${file}: --${name}`);
      const mount = (container.volumeMounts as Obj[]).find((m) => path!.startsWith(`${m.mountPath}/`));
      assert.ok(mount, `${file}: ${path} is on a mounted volume`);
      assert.is(mount.readOnly, true, `${file}: ${mount.name} is mounted read-only`);
      const volume = volumes.get(mount.name);
      assert.is(volume?.secret?.secretName, secret, `${file}: ${mount.name} is the Secret ${secret}`);
      const item = (volume!.secret.items as Obj[]).find((i) => i.key === key);
      assert.is(`${mount.mountPath}/${item?.path}`, path, `${file}: --${name} is the Secret's ${key}`);
    }
    assert.not.ok(args.some((arg) => /postgres(ql)?:\/\//.test(arg)), `${file}: no connection string, so no password, on the command line`);
    for (const sidecar of (object.spec.template.spec.containers as Obj[]).filter((c) => c !== container)) {
      assert.not.ok((sidecar.volumeMounts ?? []).some((m: Obj) => volumes.get(m.name)?.secret?.secretName?.startsWith('octant-exec-')), `${file}: ${sidecar.name} holds none of the server's Secrets`);
    }
  }
});

test("the replica layout: --advertise is the pod's own address (the downward API) on the server's port", () => {
  for (const { file, object } of replicaLayouts()) {
    const { container, args } = server(object);
    assert.is(flag(args, 'advertise'), `http://$(POD_IP):${flag(args, 'port')}`, file);
    const podIp = (container.env as Obj[]).find((e) => e.name === 'POD_IP');
    assert.is(podIp?.valueFrom?.fieldRef?.fieldPath, 'status.podIP', `${file}: POD_IP from the downward API`);
    assert.is(flag(args, 'host'), '::', `${file}: listening on the pod's address, IPv6 or IPv4, where the others relay from`);
  }
});

test('proxy mode: people reach oauth2-proxy, which forwards to the server on loopback, the one peer it trusts', () => {
  const service = one('Service');
  const proxied = deployments().filter(({ object }) => flag(server(object).args, 'auth') === 'proxy');
  assert.equal(proxied.map(({ file }) => file), ['deployment.yaml', 'replicas.yaml'], 'the proxy-mode installs, one replica and several');
  for (const { file, object } of deployments()) {
    const pod = object.spec.template.spec;
    const target = service.spec.ports[0].targetPort;
    const owners = (pod.containers as Obj[]).filter((c) => (c.ports ?? []).some((p: Obj) => p.name === target));
    assert.is(owners.length, 1, `${file}: one container has the Service's target port ${target}`);
    assert.equal(service.spec.selector, object.spec.template.metadata.labels, `${file}: the Service selects the pod`);
    const { args } = server(object);
    if (flag(args, 'auth') !== 'proxy') {
      assert.is(owners[0].name, 'octant-exec', `${file}: without a proxy, people reach the server itself`);
      continue;
    }
    assert.is(flag(args, 'trusted-proxy'), '127.0.0.1/32', `${file}: only the sidecar is trusted`);
    const proxy = owners[0];
    assert.is(proxy.name, 'oauth2-proxy', `${file}: the Service goes to the proxy, never around it`);
    assert.is(flag(proxy.args, 'upstream'), `http://127.0.0.1:${flag(args, 'port')}/`, `${file}: the proxy forwards to the server on loopback`);
    assert.is(flag(proxy.args, 'pass-user-headers'), 'true', `${file}: X-Forwarded-User/Groups/Email`);
  }
});

test("metrics: every Deployment serves them on a port of the server's container named metrics, apart from the app and from the Service", () => {
  const service = one('Service');
  for (const { file, object } of deployments()) {
    const { container, args } = server(object);
    const metrics = metricsAddress(flag(args, 'metrics-address') ?? 'none given');
    const port = (container.ports as Obj[]).find((p) => p.name === 'metrics');
    assert.is(port?.containerPort, metrics.port, `${file}: the metrics port is the container's, named metrics`);
    assert.is(metrics.host, '::', `${file}: on the pod's address, where a scraper reaches it`);
    assert.is.not(String(metrics.port), flag(args, 'port'), `${file}: apart from the app's port`);
    assert.not.ok((service.spec.ports as Obj[]).some((p) => p.targetPort === 'metrics' || p.targetPort === metrics.port), `${file}: no Service sends people there`);
  }
});

test('the Ingress: the Service, WebSocket timeouts of an hour, and the host the server allows', () => {
  const ingress = one('Ingress');
  const service = one('Service');
  assert.is(ingress.metadata.annotations['nginx.ingress.kubernetes.io/proxy-read-timeout'], '3600');
  assert.is(ingress.metadata.annotations['nginx.ingress.kubernetes.io/proxy-send-timeout'], '3600');
  const rule = ingress.spec.rules[0];
  assert.equal(rule.http.paths[0].backend.service, { name: service.metadata.name, port: { name: service.spec.ports[0].name } });
  for (const { file, object } of deployments()) assert.is(flag(server(object).args, 'public-url'), `https://${rule.host}`, `${file}: --public-url is the Ingress host, over https`);
  assert.ok(ingress.spec.tls?.[0]?.hosts?.includes(rule.host), 'TLS for the host');
});

test('the Dockerfile: a build stage and a slim Node 26 stage that installs the packed package and runs it as the manifests expect', () => {
  const text = readFileSync(join(root, 'Dockerfile'), 'utf8');
  const froms = [...text.matchAll(/^FROM .*$/gm)];
  assert.is(froms.length, 2, 'two stages');
  for (const [from] of froms) assert.match(from, /^FROM node:26-[a-z]+-slim\b/, 'Node 26, the active LTS line (tests/cli/package runs the app on it)');
  const build = text.slice(0, froms[1].index);
  const runtime = text.slice(froms[1].index);
  for (const step of ['npm ci', 'npm run build', 'npm pack']) assert.ok(build.includes(step), `the build stage runs ${step}`);
  assert.match(runtime, /npm install -g --omit=dev\b.*\.tgz/);
  assert.match(runtime, /^USER 10001(:10001)?$/m);
  assert.match(runtime, /^ENTRYPOINT \["octant-exec"\]$/m, 'exec form: the server is PID 1 and gets SIGTERM');
  const { container, args } = server(deployments()[0].object);
  assert.ok(runtime.includes(`EXPOSE ${flag(args, 'port')}`), 'EXPOSE is the --port the manifests use');
  assert.ok(new RegExp(`^WORKDIR ${flag(args, 'state-dir')}$`, 'm').test(runtime), 'the working directory is the state directory');
  assert.ok(container.image.endsWith(`:${JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version}`), "the manifests' image tag is the package's version");
  const ignored = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  for (const name of ['node_modules', 'dist', '.git']) assert.ok(ignored.includes(name), `.dockerignore keeps ${name} out`);
  for (const copied of [...text.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1].split(/\s+/))) {
    assert.not.ok(ignored.includes(copied.replace(/\/$/, '')), `${copied} is copied, so not ignored`);
  }
});

test.run();
