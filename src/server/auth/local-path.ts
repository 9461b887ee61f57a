// Where a sign-in sends the browser on afterwards (`then`): a path of this server only. Anything
// else (//evil.example, /\evil.example, a full URL) would make the sign-in an open redirect.
export function localPath(value: string | null | undefined): string {
  if (!value || value.length > 200 || !/^\/(?![/\\])[A-Za-z0-9/_.~-]*$/.test(value)) return '/';
  return value;
}
