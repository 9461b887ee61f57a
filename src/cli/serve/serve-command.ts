// `octant-exec` (serve, the default command): starts the server against the user's kubeconfig or
// the built-in sandbox, prints the URL with its one-time token, and runs until SIGINT/SIGTERM/SIGHUP.
import type { ParsedArgs } from '../flags.ts';
import { makeStateDir } from '../state-dir.ts';
import { stoppedBy, stopSignals } from '../stop-signal.ts';
import { failureLine } from '../system-error.ts';
import { openBrowser, removeRedirect } from '../browser-opener.ts';
import { pageDir } from './page-dir.ts';
import { readyLines } from './ready-lines.ts';
import { tokenUrl } from '../../protocol/token-fragment.ts';
import { serveOptions } from './serve-options.ts';
import { serveWarnings } from './serve-warnings.ts';
import type { serveSpec } from './serve-spec.ts';

export async function serveCommand({ values }: ParsedArgs<typeof serveSpec>): Promise<number> {
  const { options, open, json } = serveOptions(values);
  // from before the start (stop-signal.ts): a signal while it starts stops the server once started
  const stop = stopSignals('octant-exec');
  // the server (client-node and all) loads once the flags are known to be good: bad input is answered at once
  const { SOCKET_PATH, startOctantExec } = await import('../../server/app.ts');
  for (const warning of serveWarnings(options)) console.error(`octant-exec: WARNING: ${warning}`);
  let app;
  try {
    if (options.stateDir) makeStateDir(options.stateDir);
    options.uiDir = pageDir; // built (when its sources changed) once the state directory is this server's
    app = await startOctantExec(options);
  } catch (error) {
    stop.forget();
    console.error(`octant-exec: ${failureLine(error, options.stateDir)}`);
    return (error as { exitCode?: number }).exitCode ?? 1;
  }
  const ready = stop.started();
  for (const warning of app.sandbox?.warnings ?? []) console.error(`octant-exec: WARNING: ${warning}`);
  let forgetRedirect: (() => void) | undefined;
  if (ready) {
    // asked to stop while starting, it never says it is ready
    const replica = app.system.shared?.replica;
    for (const line of readyLines({ ...app, ...(replica ? { replica } : {}) }, { json, tokenFile: options.tokenFile, socketPath: SOCKET_PATH })) console.log(line);
    // the browser is handed a per-launch token through a file of the user's alone (browser-opener.ts),
    // never a log; a --token-file's not at all: the URL the browser opens stays in its history
    // (before the page takes the token out), and that token outlives the launch
    removeRedirect(app.stateDir); // an earlier launch's, if it was stopped before it could
    const handsToken = app.auth === 'local' && options.tokenFile === undefined;
    if (open) forgetRedirect = openBrowser(handsToken ? tokenUrl(app.url, app.token) : app.url, app.stateDir, (problem) => console.error(`octant-exec: --open ${problem}`));
  }

  // A replica that lost its lease in the shared log stops, and its orchestrator starts it afresh.
  const signal = await Promise.race([stop.first, app.fatal]);
  stop.forget(); // a signal while it closes after a lost lease ends it at once
  await app.close();
  forgetRedirect?.();
  console.error(`octant-exec: stopped (${signal}); every terminal ended`);
  return signal === 'SIGINT' || signal === 'SIGTERM' || signal === 'SIGHUP' ? stoppedBy(signal) : 1;
}
