// A JSON request body, read with the API's limits (docs/api.md).
import type { IncomingMessage } from 'node:http';
import { HttpError } from './replies.ts';

/** largest JSON body the API reads */
export const MAX_BODY_BYTES = 64 * 1024;

/** Reads a JSON body: application/json only (a cross-site form cannot send it without a preflight we never answer), at most MAX_BODY_BYTES. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  if (!/^application\/json\s*(;\s*charset="?utf-8"?\s*)?$/i.test(req.headers['content-type'] ?? '')) throw new HttpError(415, 'Send the body as Content-Type: application/json (UTF-8, the only charset JSON has).');
  // read as it is, never decoded: a body said to be compressed would be parsed as something it is not
  if (![undefined, '', 'identity'].includes(req.headers['content-encoding']?.trim().toLowerCase())) throw new HttpError(415, 'Send the body without Content-Encoding: it is read as it is.');
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) throw new HttpError(413, `The body is larger than ${MAX_BODY_BYTES} bytes.`);
      chunks.push(chunk);
    }
  } catch (error) {
    // a client that left mid-body (its tab closed) made a bad request, not the server: no "internal error" to log
    if (error instanceof HttpError) throw error;
    throw new HttpError(400, 'The body was cut off before its end: send the request again.');
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'The body is not valid JSON.');
  }
}
