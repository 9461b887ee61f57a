// A request's object, read and decoded as the API server does it: JSON, or Kubernetes protobuf
// (what kubectl sends for built-in kinds), by its Content-Type. Past 3 MiB the answer is 413; a
// body that cannot be decoded, is not an object, or is of another kind is 400. Nothing here throws.
import type { IncomingMessage } from 'node:http';
import { badRequest, failure, type StatusError } from './kube-status.ts';
import { decodeKubeProtobuf, PROTOBUF_CONTENT_TYPE, type Schema } from './protobuf-decoding.ts';

/** kube-apiserver's --max-request-bytes default. */
export const MAX_REQUEST_BYTES = 3 * 1024 * 1024;
/** Past this, a body is not even read to its end: the connection is dropped. */
const DISCARD_LIMIT = 4 * MAX_REQUEST_BYTES;

export interface ExpectedObject {
  kind: string;
  apiVersion: string;
  /** the fields to read from a protobuf body */
  protobuf: Schema;
}

export type DecodedBody = { value: Record<string, unknown> } | { refused: StatusError };

export async function readObjectBody(req: IncomingMessage, expected: ExpectedObject): Promise<DecodedBody> {
  const read = await readBody(req);
  return 'refused' in read ? read : decodeObject(read.bytes, req.headers['content-type'] ?? '', expected);
}

/** The body's bytes (a patch, say), with the same size limit. */
export function readBody(req: IncomingMessage): Promise<{ bytes: Buffer } | { refused: StatusError }> {
  const tooLarge = { refused: failure(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${MAX_REQUEST_BYTES}`) };
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Too big: read on without keeping it, so the client is still there to read the 413;
      // far too big: the 413 goes out as the connection is dropped.
      if (size <= MAX_REQUEST_BYTES) chunks.push(chunk);
      else if (size > DISCARD_LIMIT) {
        resolve(tooLarge);
        req.destroy();
      }
    });
    req.on('error', () => {}); // a client that goes away mid-body gets no answer
    req.on('end', () => resolve(size > MAX_REQUEST_BYTES ? tooLarge : { bytes: Buffer.concat(chunks) }));
  });
}

export function decodeObject(bytes: Buffer, contentType: string, expected: ExpectedObject): DecodedBody {
  const unrecognized = (why: string) => ({ refused: badRequest(`the object provided is unrecognized (must be of type ${expected.kind}): ${why}`) });
  let value: unknown;
  try {
    value = contentType.startsWith(PROTOBUF_CONTENT_TYPE) ? decodeKubeProtobuf(bytes, expected.protobuf) : JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    return unrecognized(`couldn't get version/kind; ${contentType.startsWith(PROTOBUF_CONTENT_TYPE) ? 'protobuf' : 'json parse'} error: ${(error as Error).message}`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return unrecognized('the body is not an object');
  // Left out, kind and apiVersion default to the endpoint's, as the API server's decoder has them.
  const { kind = expected.kind, apiVersion = expected.apiVersion } = value as { kind?: unknown; apiVersion?: unknown };
  if (kind !== expected.kind || apiVersion !== expected.apiVersion) {
    return unrecognized(`got kind ${JSON.stringify(kind)} of apiVersion ${JSON.stringify(apiVersion)}, not a ${expected.kind} of ${expected.apiVersion}`);
  }
  return { value: value as Record<string, unknown> };
}
