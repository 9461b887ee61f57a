// A sign-in form's body: application/x-www-form-urlencoded, small, read whole, or a refusal with
// a sentence. Kept apart from the API's JSON bodies: only the sign-in pages take forms.
import { Buffer } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import { HttpError } from '../replies.ts';

/** A pasted token is a few KiB at most (a service-account JWT is about 1 KiB). */
export const MAX_FORM_BYTES = 32 * 1024;

export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') throw new HttpError(415, 'Send the sign-in form as application/x-www-form-urlencoded.');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) throw new HttpError(413, `The form is over ${MAX_FORM_BYTES / 1024} KiB: paste only the token.`);
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}
