import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import { endFromStatus, failureFromHttp, failureFromNetwork, impersonationRefusal } from '../../src/adapters/kubernetes/status.ts';

const test = suite('Kubernetes status → exit code or failure');
const exitStatus = (code: number, message = `command terminated with non-zero exit code: error executing command, exit code ${code}`) => ({
  metadata: {},
  status: 'Failure',
  reason: 'NonZeroExitCode',
  message,
  details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
});

test('Success is exit 0; NonZeroExitCode carries the code', () => {
  assert.equal(endFromStatus({ status: 'Success' }, 'sh'), { kind: 'exited', code: 0 });
  assert.equal(endFromStatus(exitStatus(42), 'sh'), { kind: 'exited', code: 42 });
  assert.equal(endFromStatus(exitStatus(137), 'sh'), { kind: 'exited', code: 137 });
});

test('both forms of a missing executable become commandNotFound', () => {
  const oci = 'OCI runtime exec failed: exec failed: unable to start container process: exec: "bash": executable file not found in $PATH: unknown';
  const internal = endFromStatus({ status: 'Failure', reason: 'InternalError', message: `error executing command in container: failed to exec in container: ${oci}` }, 'bash');
  assert.is(internal.kind === 'failed' && internal.failure.reason, 'commandNotFound');
  const viaOutput = endFromStatus(exitStatus(126), 'bash', oci);
  assert.is(viaOutput.kind === 'failed' && viaOutput.failure.reason, 'commandNotFound');
  assert.equal(endFromStatus(exitStatus(126), 'bash', 'permission denied'), { kind: 'exited', code: 126 }, 'a real 126 stays an exit code');
  const olderRunc = endFromStatus(exitStatus(126), 'bash', 'OCI runtime exec failed: exec failed: container_linux.go:348: starting container process caused "exec: \\"bash\\": executable file not found in $PATH": unknown\r\n');
  assert.is(olderRunc.kind === 'failed' && olderRunc.failure.reason, 'commandNotFound', 'runc before 1.0 quotes the name with backslashes');
  const missingPath = endFromStatus(exitStatus(127), '/opt/tool', 'exec: "/opt/tool": stat /opt/tool: no such file or directory');
  assert.is(missingPath.kind === 'failed' && missingPath.failure.reason, 'commandNotFound');
  const crun = endFromStatus({ status: 'Failure', reason: 'InternalError', message: 'error executing command in container: executable file `zsh` not found in $PATH: No such file or directory' }, 'zsh');
  assert.is(crun.kind === 'failed' && crun.failure.reason, 'commandNotFound', "crun's words (CRI-O)");
  // a command that ran: its own output may say the same words
  assert.equal(endFromStatus(exitStatus(126), 'cat', 'cat: /missing: No such file or directory\n'), { kind: 'exited', code: 126 });
  assert.equal(endFromStatus(exitStatus(127), 'sh', 'hello\nsh: tool: executable file not found\n'), { kind: 'exited', code: 127 });
});

test('only the words naming the command the exec ran: a program that ran and says another one is missing exited', () => {
  // bash ran a script whose Go tool could not start "deploy-tool": an Auto shell took it for a missing bash and ran the script again in sh
  const goTool = 'exec: "deploy-tool": executable file not found in $PATH\n';
  assert.equal(endFromStatus(exitStatus(127, 'command terminated with non-zero exit code: error executing command [bash], exit code 127'), 'bash', goTool), { kind: 'exited', code: 127 });
  assert.equal(endFromStatus(exitStatus(126), 'bash', `OCI runtime exec failed: exec failed: unable to start container process: ${goTool}`), { kind: 'exited', code: 126 });
  assert.equal(endFromStatus(exitStatus(127), 'sh', 'exec: "/bin/sh": stat /bin/sh: no such file or directory'), { kind: 'exited', code: 127 }, 'another path is another command');
  // the message of an exit code holds the argv, whatever words it has
  const argvSays = exitStatus(127, 'command terminated with non-zero exit code: error executing command [sh -c echo no such file or directory; exit 127], exit code 127');
  assert.equal(endFromStatus(argvSays, 'sh'), { kind: 'exited', code: 127 });
  const otherInternal = endFromStatus({ status: 'Failure', reason: 'InternalError', message: 'error executing command in container: failed to exec in container: failed to create runc console socket: stat /run/user/0/snap.k8s: no such file or directory: unknown' }, 'bash');
  assert.is(otherInternal.kind === 'failed' && otherInternal.failure.reason, 'unknown', 'a runtime failure that is not the command missing: no other shell is tried');
  const refused = { message: 'exec: "bash": executable file not found in $PATH' };
  assert.equal([failureFromHttp(500, refused, { command: 'bash' }).reason, failureFromHttp(500, refused, { command: 'sh' }).reason], ['commandNotFound', 'unknown'], 'a refused upgrade too');
});

test('HTTP refusals become sentences that say what to do', () => {
  const forbidden = failureFromHttp(403, { message: 'pods "secret-db" is forbidden: User "dev" cannot create resource "pods/exec" in API group "" in the namespace "restricted"' });
  assert.is(forbidden.reason, 'forbidden');
  assert.match(forbidden.message, /"create" verb on "pods\/exec"/);
  assert.match(forbidden.message, /User "dev" cannot create/);
  assert.is(failureFromHttp(401).reason, 'unauthorized');
  assert.match(failureFromHttp(401).message, /expired/);
  assert.is(failureFromHttp(404, { message: 'pods "gone" not found' }).reason, 'notFound');
  const notRunning = failureFromHttp(400, { message: 'container not found ("app")' });
  assert.is(notRunning.reason, 'containerNotRunning');
  assert.match(notRunning.message, 'The cluster said: container not found ("app"). Wait for it to start', "the cluster's words a sentence of their own");
  assert.match(failureFromHttp(500, { message: 'boom.' }).message, /said: boom\.$/, 'no second period');
  assert.is(failureFromHttp(500, { message: 'boom' }).reason, 'unknown');
  const network = failureFromNetwork('https://127.0.0.1:1', { code: 'ECONNREFUSED' });
  assert.is(network.reason, 'connection');
  assert.match(network.message, /ECONNREFUSED/);
});

test('a 403 for a person names them and the namespace; a refused impersonation names what the operator must grant', () => {
  const bob = { user: 'bob', groups: ['viewers'] };
  const lacking = failureFromHttp(403, { message: 'pods "web" is forbidden: User "bob" cannot create resource "pods/exec" in API group "" in the namespace "default"' }, { person: bob, namespace: 'default' });
  assert.is(lacking.reason, 'forbidden');
  assert.match(lacking.message, '"bob" is not allowed to exec here: this needs the "create" verb on "pods/exec" in namespace "default"');
  assert.match(lacking.message, 'create pods/exec');
  const attach = failureFromHttp(403, {}, { person: bob, namespace: 'default', subresource: 'attach' });
  assert.match(attach.message, '"bob" is not allowed to attach here: this needs the "create" verb on "pods/attach" in namespace "default"');
  const group = failureFromHttp(403, {
    message: 'groups "dev" is forbidden: User "system:serviceaccount:team:octant-exec" cannot impersonate resource "groups" in API group "" at the cluster scope',
  }, { person: bob, namespace: 'default' });
  assert.is(group.reason, 'forbidden');
  assert.match(group.message, `octant-exec's own identity (system:serviceaccount:team:octant-exec) may not impersonate group "dev": grant it impersonate on users and groups, see deploy/rbac.yaml.`);
  assert.not.match(group.message, 'pods/exec');
  assert.match(impersonationRefusal({ message: 'users "alice" is forbidden: User "x" cannot impersonate resource "users" in API group "" at the cluster scope' }) ?? '', 'may not impersonate user "alice"');
  assert.is(impersonationRefusal({ message: 'pods "web" is forbidden: User "bob" cannot create resource "pods/exec"' }), undefined);
});

test.run();
