// A Pod in Kubernetes protobuf, as client-go's typed clients send it, decoded to the JSON the
// API server would keep: map fields (labels), repeated messages (containers, owner references),
// bools and whole numbers (varints), empty strings left out as Go's JSON leaves them out, and
// fields the sandbox does not read skipped whatever their wire type.
import { test } from '../../support/test.ts';
import * as assert from 'uvu/assert';
import { decodeObject } from '../../../src/sandbox/api/request-body.ts';
import { inlineEmbeddedFields, POD_PROTOBUF } from '../../../src/sandbox/api/pod-protobuf.ts';

// A minimal protobuf writer: each field a key (number << 3 | wire type) and its value.
const varint = (n: number): number[] => (n < 0x80 ? [n] : [(n & 0x7f) | 0x80, ...varint(Math.floor(n / 128))]);
const bytes = (field: number, value: Uint8Array | string) => {
  const body = typeof value === 'string' ? Buffer.from(value) : Buffer.from(value);
  return Buffer.from([...varint(field * 8 + 2), ...varint(body.length), ...body]);
};
const number = (field: number, n: number) => Buffer.from([...varint(field * 8), ...varint(n)]);
const message = (field: number, ...parts: Buffer[]) => bytes(field, Buffer.concat(parts));

const container = message(2, bytes(1, 'app'), bytes(2, 'busybox:1.36'), bytes(3, 'sh'), bytes(3, '-c'), bytes(3, 'echo ok'), message(7, bytes(1, 'MODE'), bytes(2, 'debug')), number(16, 1), number(18, 0), bytes(5, ''));
const pod = Buffer.concat([
  message(1, bytes(1, 'copy'), bytes(2, ''), bytes(3, 'default'), message(11, bytes(1, 'app'), bytes(2, 'web')), message(11, bytes(1, 'tier'), bytes(2, '')), message(13, bytes(1, 'ReplicaSet'), bytes(3, 'web-1'), bytes(4, 'u-1'), bytes(5, 'apps/v1'), number(6, 1))),
  message(2, container, bytes(3, 'Never'), number(4, 45), number(27, 1), message(99, bytes(1, 'unknown field')), Buffer.from([0xa5, 0x06, 1, 2, 3, 4])),
]);
const envelope = Buffer.concat([Buffer.from('k8s\0', 'latin1'), message(1, bytes(1, 'v1'), bytes(2, 'Pod')), bytes(2, pod)]);
const expected = { kind: 'Pod', apiVersion: 'v1', protobuf: POD_PROTOBUF };

test('a protobuf Pod decodes to the fields the sandbox keeps', () => {
  const decoded = decodeObject(envelope, 'application/vnd.kubernetes.protobuf', expected);
  assert.ok('value' in decoded, JSON.stringify(decoded));
  assert.equal(decoded.value, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'copy', namespace: 'default', labels: { app: 'web', tier: '' }, ownerReferences: [{ kind: 'ReplicaSet', name: 'web-1', uid: 'u-1', apiVersion: 'apps/v1', controller: true }] },
    spec: {
      containers: [{ name: 'app', image: 'busybox:1.36', command: ['sh', '-c', 'echo ok'], env: [{ name: 'MODE', value: 'debug' }], stdin: true, tty: false }],
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: 45,
      shareProcessNamespace: true,
    },
  });
});

test('an ephemeral container, nested in protobuf as Go embeds it, comes out with its fields inline as in JSON', () => {
  const debug = message(34, message(1, bytes(1, 'dbg'), bytes(2, 'busybox:1.36'), number(16, 1)), bytes(2, 'app'));
  const body = Buffer.concat([message(1, bytes(1, 'p')), message(2, container, debug)]);
  const decoded = decodeObject(Buffer.concat([Buffer.from('k8s\0', 'latin1'), message(1, bytes(1, 'v1'), bytes(2, 'Pod')), bytes(2, body)]), 'application/vnd.kubernetes.protobuf', expected);
  assert.ok('value' in decoded);
  assert.equal((inlineEmbeddedFields(decoded.value).spec as any).ephemeralContainers, [{ name: 'dbg', image: 'busybox:1.36', stdin: true, targetContainerName: 'app' }]);
});

test('a truncated protobuf Pod is refused as unrecognized, not half read', () => {
  const decoded = decodeObject(envelope.subarray(0, envelope.length - 5), 'application/vnd.kubernetes.protobuf', expected);
  assert.ok('refused' in decoded);
  assert.is(decoded.refused.code, 400);
  assert.match(decoded.refused.status.message ?? '', "couldn't get version/kind; protobuf error:");
});

test.run();
