// Where a sign-in sends the browser on afterwards (`then`): one of the app's pages, with its query
// (a link to a pod's view, an Octant embed URL). Anything else (//evil.example, /\evil.example, a
// full URL) would make the sign-in an open redirect; quotes and angle brackets never pass either,
// since the value goes into the pages' HTML. Not the API or the sign-in's own paths: the sign-in's
// page moves on by itself, a same-origin navigation, so a link from another site to
// `/auth/sign-in?then=/api/v1/files/download?…` would pass the cross-site check that GET has there.
// The command line's page (command-line-handoff.ts) is let through too: it changes nothing by a GET,
// and what it asks for (a click, with a form token) goes to a listener on the person's own machine.
import { isAppPage } from '../static-ui.ts';
import { COMMAND_LINE_PATH } from './auth-paths.ts';

export function localPath(value: string | null | undefined): string {
  if (!value || value.length > 1000 || !/^\/(?![/\\])[A-Za-z0-9/_.~-]*(\?[A-Za-z0-9_.~%=&+,:-]*)?$/.test(value)) return '/';
  const path = value.split('?', 1)[0];
  return isAppPage(path) || path === COMMAND_LINE_PATH ? value : '/';
}
