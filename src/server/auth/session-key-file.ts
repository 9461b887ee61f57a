// --session-key-file: the key every replica signs session cookies with (signed-sessions.ts), the
// same file on each (a Kubernetes Secret). Base64 text (`openssl rand -base64 32`) or raw bytes
// (`openssl rand 32`): a file that is base64 and nothing else is read as base64, any other as the
// key itself.
import { Buffer } from 'node:buffer';
import { readPrivateFile } from './private-file.ts';
import { MIN_KEY_BYTES } from './signed-session-value.ts';

const FLAG = '--session-key-file';
const BASE64_TEXT = /^[A-Za-z0-9+/_-]+={0,2}$/;

export function sessionKeyFromFile(file: string): Uint8Array {
  const bytes = readPrivateFile(FLAG, file);
  const text = bytes.toString('latin1').trim();
  const key = BASE64_TEXT.test(text) ? Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64') : bytes;
  if (key.length < MIN_KEY_BYTES) {
    throw new Error(`${FLAG} ${file} holds a key of ${key.length} bytes; it needs at least ${MIN_KEY_BYTES} random bytes: openssl rand -base64 32 > ${file}`);
  }
  return new Uint8Array(key);
}
