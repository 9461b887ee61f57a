// --token-file (local mode): the token read from a file instead of made at each launch, so that
// replicas behind one address (or one server across restarts) take the same token. When the file
// does not exist it is made, with a fresh token, mode 0600: the first replica on a shared volume
// makes it, the others read it. (In Kubernetes the file is a Secret's, made beforehand.)
//
// It is made under another name and then linked to its own, which fails if another replica got
// there first: no replica ever reads a half-written file, and none overwrites another's token.
import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, rmSync, writeFileSync } from 'node:fs';
import { newToken } from '../security.ts';
import { readPrivateFile } from './private-file.ts';

const FLAG = '--token-file';
/** 32 characters of hex are 128 bits, SECURITY.md's least; the page's sign-in takes at most 512. */
const TOKEN_SHAPE = /^[A-Za-z0-9+/=_-]{32,512}$/;

export function tokenFromFile(file: string): string {
  if (!existsSync(file)) create(file);
  const token = readPrivateFile(FLAG, file).toString('utf8').trim();
  if (!TOKEN_SHAPE.test(token)) {
    throw new Error(`${FLAG} ${file} must hold one token alone: 32 to 512 letters, digits or -_+/= (base64 or hex); delete the file to have a fresh one made, or write one with: openssl rand -hex 32 > ${file}`);
  }
  return token;
}

function create(file: string): void {
  const draft = `${file}.${randomBytes(6).toString('hex')}.new`;
  try {
    writeFileSync(draft, `${newToken()}\n`, { mode: 0o600, flag: 'wx' });
    linkSync(draft, file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST') throw new Error(`${FLAG} ${file} does not exist and cannot be made: ${code ?? (error as Error).message}`);
  } finally {
    rmSync(draft, { force: true });
  }
}
