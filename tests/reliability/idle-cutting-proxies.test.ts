// Proxies and load balancers that cut idle connections (issue 19), with nginx from Debian on both
// hops, as in a cluster: an Ingress in front of the server (the page's socket) and a load
// balancer between the server and the sandbox's API server (the exec stream). Both cut what is
// quiet for a short while here, and the server's keepalive is shortened to match, so the test
// takes seconds: an idle shell lives through several cuts and still echoes; the idle timeout still
// ends a terminal (the keepalive is no activity); and with a keepalive longer than the cut both
// connections are cut, which shows the test sees a cut when there is one. The page's side is the
// page's own socket client (src/protocol/socket-client.ts), on the `ws` package.
import { suite } from '../support/test.ts';
import * as assert from 'uvu/assert';
import type { ConnectionState } from '../../src/protocol/socket-client.ts';
import { startTestSandbox, type Sandbox } from '../support/sandbox.ts';
import { nginxOnBothHops, quietConnectionCut, type NginxHops } from '../support/nginx-hops.ts';
import { PageSocket } from '../support/page-socket.ts';
import { openExec, sessionState, startTestApp, type TestApp } from '../server/support.ts';
import { waitFor } from '../support/wait.ts';

/** nginx's idle cut on both hops, and the keepalive well inside it */
const CUT_SECONDS = 2;
const KEEPALIVE_MS = 500;
/** idle cuts an idle shell must outlive */
const CUTS = 3;

interface Behind {
  hops: NginxHops;
  app: TestApp;
  page: PageSocket;
  /** the page socket's states since it first opened: anything here means it was cut */
  states: ConnectionState[];
  stop(): Promise<void>;
}

/** A server behind nginx on both hops, and a page socket to it through the Ingress, open. */
async function behindNginx(sandbox: Sandbox, cutSeconds: number, keepaliveMs: number): Promise<Behind> {
  const hops = await nginxOnBothHops(sandbox, cutSeconds);
  let app: TestApp | undefined;
  try {
    app = await startTestApp({ ...hops.serverOptions, keepaliveMs });
    const page = new PageSocket(hops.front.url, app.token);
    await waitFor(() => page.client.state === 'open', 'the page socket to open through nginx', 10_000);
    const states: ConnectionState[] = [];
    page.client.onState((state) => states.push(state));
    const started = app;
    return {
      hops,
      app,
      page,
      states,
      stop: async () => {
        page.close();
        await started.close();
        await hops.stop();
      },
    };
  } catch (error) {
    await app?.close();
    await hops.stop();
    throw error;
  }
}

/** An interactive sh, attached on the page socket, answering. */
async function shell(behind: Behind, extra: Record<string, unknown> = {}): Promise<string> {
  const [id] = await openExec(behind.app, { namespace: 'default', pod: 'web', containers: ['nginx'], command: { shell: 'sh' }, ...extra });
  behind.page.attach(id);
  await echoes(behind, id, 'ready');
  return id;
}

/** Types an echo on the page socket and waits for its answer. */
async function echoes(behind: Behind, id: string, word: string): Promise<void> {
  // refused (false, nothing sent) until the session is attached on the open socket
  await waitFor(() => behind.page.client.input(id, `echo ${word}-$((6*7))\r`), `the page socket to take input for ${id}`, 10_000);
  await waitFor(() => behind.page.received(id).text.includes(`${word}-42`), `${word}-42 from the shell through both nginx`, 10_000);
}

const proxies = suite<{ sandbox: Sandbox; short: Behind }>('idle-cutting proxies');

proxies.before(async (context) => {
  context.sandbox = await startTestSandbox();
  context.short = await behindNginx(context.sandbox, CUT_SECONDS, KEEPALIVE_MS);
});

proxies.after(async ({ sandbox, short }) => {
  await short?.stop();
  await sandbox?.close();
});

proxies(`an idle shell behind nginx on both hops outlives ${CUTS} idle cuts and still echoes`, async ({ short }) => {
  const id = await shell(short);
  let newSockets = 0;
  const counted = () => newSockets++;
  short.app.server.on('upgrade', counted);
  try {
    // idle: as long as it takes the load balancer to cut quiet connections, one after another
    for (let cut = 0; cut < CUTS; cut++) await quietConnectionCut(short.hops.back);
  } finally {
    short.app.server.off('upgrade', counted);
  }
  assert.equal(short.states, [], 'the page socket was never cut (the Ingress hop)');
  assert.is(newSockets, 0, 'no new socket reached the server');
  assert.is((await sessionState(short.app, id))?.state, 'interactive', 'the exec stream was never cut (the load balancer hop)');
  await echoes(short, id, 'still');
});

proxies('the idle timeout still ends a terminal behind nginx: the keepalive is no activity', async ({ short }) => {
  // longer than the cut: the pings that keep both connections through it must not keep the terminal
  const id = await shell(short, { idleTimeoutSeconds: 2 * CUT_SECONDS });
  await waitFor(async () => (await sessionState(short.app, id))?.state === 'timedOut', 'the idle timeout to end the shell', 20_000);
  assert.equal(short.states, [], 'meanwhile the page socket was never cut: the keepalive went on');
});

proxies('with a keepalive longer than the cut, nginx cuts both: the page socket reconnects, the exec is disconnected', async ({ sandbox }) => {
  const long = await behindNginx(sandbox, 1, 10_000);
  try {
    const id = await shell(long);
    await waitFor(() => long.states.includes('reconnecting'), 'the Ingress to cut the quiet page socket', 10_000);
    const row = await waitFor(async () => {
      const row = await sessionState(long.app, id);
      return row?.state === 'disconnected' && row;
    }, 'the load balancer to cut the quiet exec stream', 10_000);
    assert.is(row.disconnectReason, 'streamDropped', 'the exec stream was cut, not the pod or the server');
  } finally {
    await long.stop();
  }
});

proxies.run();
