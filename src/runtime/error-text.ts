// An error as one short phrase for a warning, the same under Node and Deno (whose messages for
// the same system error differ: "ENOSPC: no space left on device" and "No space left on device (os error 28)").
export function errorText(error: unknown): string {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : String(error);
  return typeof code === 'string' && !text.startsWith(code) ? `${code}: ${text}` : text;
}
