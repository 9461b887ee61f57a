// Kubernetes' protobuf encoding, read far enough for the objects clients create here: kubectl and
// client-go send built-in kinds (a SelfSubjectAccessReview from `kubectl auth can-i`) as
// `k8s\0` + a runtime.Unknown envelope {typeMeta {apiVersion, kind}, raw} whose raw bytes are the
// object. A schema names the fields to keep, in their JSON names; everything else is skipped by
// its wire type, as any protobuf reader does.

export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';
const MAGIC = Buffer.from('k8s\0', 'latin1');

/**
 * Field number → JSON name and what it holds: one string, repeated strings, bytes, a bool or a
 * whole number (varints), a message, repeated messages (`[Schema]`), or a map<string, string>
 * (on the wire, repeated {1: key, 2: value} entries).
 */
export interface Schema {
  [field: number]: [name: string, holds: 'string' | 'strings' | 'bytes' | 'bool' | 'int' | 'map' | Schema | [Schema]];
}

const MAP_ENTRY: Schema = { 1: ['key', 'string'], 2: ['value', 'string'] };

const UNKNOWN: Schema = { 1: ['typeMeta', { 1: ['apiVersion', 'string'], 2: ['kind', 'string'] }], 2: ['raw', 'bytes'] };

/** The object in the envelope, with its apiVersion and kind; throws an Error saying what is malformed. */
export function decodeKubeProtobuf(bytes: Buffer, schema: Schema): Record<string, unknown> {
  if (bytes.length < MAGIC.length || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('not Kubernetes protobuf (no k8s\\0 prefix)');
  const envelope = decodeMessage(bytes.subarray(MAGIC.length), UNKNOWN);
  const typeMeta = (envelope.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
  const raw = (envelope.raw as Buffer | undefined) ?? Buffer.alloc(0);
  return { ...typeMeta, ...decodeMessage(raw, schema) };
}

function decodeMessage(bytes: Buffer, schema: Schema): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  let at = 0;
  const varint = (): number => {
    let value = 0;
    for (let shift = 0; shift < 64; shift += 7) {
      if (at >= bytes.length) throw new Error('a number runs past the end');
      const byte = bytes[at++];
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
    throw new Error('a number is longer than 10 bytes');
  };
  while (at < bytes.length) {
    const key = varint();
    const [field, wireType] = [Math.floor(key / 8), key % 8];
    const skip = (n: number) => {
      if (at + n > bytes.length) throw new Error(`field ${field} runs past the end`);
      at += n;
    };
    if (wireType === 0) {
      const value = varint();
      const known = schema[field];
      if (known?.[1] === 'bool') result[known[0]] = value !== 0;
      // int64s below zero come as ten-byte two's complement; none of the fields read here is negative.
      else if (known?.[1] === 'int') result[known[0]] = value;
    } else if (wireType === 1) skip(8);
    else if (wireType === 5) skip(4);
    else if (wireType === 2) {
      const length = varint();
      const start = at;
      skip(length);
      const value = bytes.subarray(start, at);
      const known = schema[field];
      if (!known) continue;
      const [name, holds] = known;
      if (holds === 'bytes') result[name] = value;
      // Go's protobuf writes every plain string field, empty or not; its JSON leaves the empty ones out (omitempty).
      else if (holds === 'string') {
        if (value.length > 0) result[name] = value.toString('utf8');
      }
      else if (holds === 'strings') result[name] = [...((result[name] as string[] | undefined) ?? []), value.toString('utf8')];
      else if (holds === 'map') {
        const entry = decodeMessage(value, MAP_ENTRY);
        result[name] = { ...((result[name] as Record<string, string> | undefined) ?? {}), [String(entry.key ?? '')]: String(entry.value ?? '') };
      } else if (Array.isArray(holds)) result[name] = [...((result[name] as unknown[] | undefined) ?? []), decodeMessage(value, holds[0])];
      else if (typeof holds === 'object') result[name] = decodeMessage(value, holds);
    } else throw new Error(`field ${field} has wire type ${wireType}, which protobuf does not have`);
  }
  return result;
}
