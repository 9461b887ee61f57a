// Where a sign-in sends the browser on afterwards (`then`): a path of this server only, with its
// query (a link to a pod's view, an Octant embed URL). Anything else (//evil.example,
// /\evil.example, a full URL) would make the sign-in an open redirect; quotes and angle brackets
// never pass either, since the value goes into the pages' HTML.
export function localPath(value: string | null | undefined): string {
  if (!value || value.length > 1000 || !/^\/(?![/\\])[A-Za-z0-9/_.~-]*(\?[A-Za-z0-9_.~%=&+,:-]*)?$/.test(value)) return '/';
  return value;
}
