// RBAC from YAML files, as `kubectl apply -f` takes them: several documents per file, other
// kinds skipped, empty documents ignored; bad YAML and bad objects refused with the file and the
// line; a fixture's rbacFiles found next to it, and a sandbox that will not start on a bad one.
import { test } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadRbacFile } from '../../src/sandbox/rbac/rbac-files.ts';
import { RbacAuthorizer } from '../../src/sandbox/rbac/rbac-authorizer.ts';
import { resourceAttributes } from '../../src/sandbox/rbac/attributes.ts';
import { startSandbox } from '../../src/sandbox/index.ts';
import { withTempDir } from '../support/temp-dir.ts';
import { apiRequest } from '../support/sandbox.ts';

const MANIFESTS = `# a team's manifest: a namespace, a service account, and what its people may do
apiVersion: v1
kind: ServiceAccount
metadata:
  name: deployer
  namespace: shop
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: pod-reader
  namespace: shop
rules:
  - apiGroups: [""]
    resources: ["pods"]
    verbs: ["get", "list"]
---
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: readers, namespace: shop }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-reader }
subjects:
  - { kind: Group, name: readers, apiGroup: rbac.authorization.k8s.io }
  - kind: ServiceAccount
    name: deployer
`;

test('a multi-document file: RBAC objects loaded with their line, other kinds and empty documents skipped', async () => {
  await withTempDir((dir) => {
    const file = join(dir, 'team.yaml');
    writeFileSync(file, MANIFESTS);
    const loaded = loadRbacFile(file);
    assert.equal(
      loaded.map(({ object, source }) => `${object.kind} ${object.metadata.name} @ ${source}`),
      [`Role pod-reader @ ${file} line 7`, `RoleBinding readers @ ${file} line 18`],
    );
    const rbac = new RbacAuthorizer(loaded);
    const list = resourceAttributes({ verb: 'list', resource: 'pods', namespace: 'shop' });
    assert.is(rbac.authorize({ username: 'x', groups: ['readers'] }, list).decision, 'allow');
    assert.is(rbac.authorize({ username: 'system:serviceaccount:shop:deployer', groups: [] }, list).decision, 'allow', 'the binding namespace is the service account namespace');
    assert.is(rbac.authorize({ username: 'x', groups: ['readers'] }, { ...list, verb: 'delete' }).decision, 'noOpinion');
  });
});

test('bad YAML: an error that names the file and the line', async () => {
  await withTempDir((dir) => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: x\n rules: []\n');
    assert.throws(() => loadRbacFile(file), (error: Error) => error.message.startsWith(`RBAC file ${file} line 5: bad indentation`));
    writeFileSync(file, 'kind: ClusterRole\nrules: [unclosed\n');
    assert.throws(() => loadRbacFile(file), (error: Error) => new RegExp(`^RBAC file ${file} line 3: unexpected end of the stream`).test(error.message));
  });
});

test('a well-formed file with a bad object: the file, the line of its document, the object and the field', async () => {
  await withTempDir((dir) => {
    const file = join(dir, 'rbac.yaml');
    writeFileSync(file, `${MANIFESTS}---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: nowhere\nrules: []\n`);
    const line = MANIFESTS.split('\n').length; // where the appended document's marker is
    assert.throws(() => loadRbacFile(file), (error: Error) => error.message === `${file} line ${line} (Role "nowhere"): metadata.namespace is required for a Role (a DNS-1123 label)`);
    assert.throws(() => loadRbacFile(join(dir, 'missing.yaml')), /^RBAC file .*missing\.yaml: ENOENT/);
  });
});

test('a fixture file names RBAC files next to it; a bad one stops the start with its name and leaves nothing behind', async () => {
  await withTempDir(async (dir) => {
    writeFileSync(join(dir, 'team.yaml'), MANIFESTS);
    const fixture = (rbacFiles: string[]) => {
      const path = join(dir, 'fixture.json');
      writeFileSync(path, JSON.stringify({ users: [{ name: 'rita', groups: ['readers'] }], rbacFiles, namespaces: [{ name: 'shop', pods: [{ name: 'cart', containers: [{ name: 'app' }] }] }] }));
      return path;
    };
    const sandbox = await startSandbox({ fixture: fixture(['team.yaml']), isolation: 'none', stateDir: join(dir, 'state') });
    try {
      const asRita = (path: string) => apiRequest(sandbox, path, { token: sandbox.users.rita.token });
      assert.is((await asRita('/api/v1/namespaces/shop/pods')).status, 200);
      assert.is((await asRita('/api/v1/namespaces/default/pods')).status, 403);
    } finally {
      await sandbox.close();
    }

    writeFileSync(join(dir, 'bad.yaml'), 'kind: [\n');
    const before = readdirSync(tmpdir());
    let error: Error | undefined;
    await startSandbox({ fixture: fixture(['bad.yaml']), isolation: 'none' }).then((s) => s.close(), (e: Error) => (error = e));
    assert.match(error?.message ?? 'it started', `RBAC file ${join(dir, 'bad.yaml')} line 2`);
    assert.equal(readdirSync(tmpdir()).filter((name) => !before.includes(name)), [], 'no state folder was made');
    assert.ok(existsSync(join(dir, 'state', 'kubeconfig-rita')), 'the first sandbox wrote rita a kubeconfig next to its own');
  });
});

test.run();
