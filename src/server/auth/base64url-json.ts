// A JSON value carried as base64url (a signed cookie's payload, a voucher's, a JWT's part): the
// value, or undefined for anything that is not one. What it holds is checked by the caller.
export function fromBase64urlJson(text: string): unknown {
  try {
    return JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

export function toBase64urlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
