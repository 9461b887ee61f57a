// Idle interactive shells as figure 5 holds them: `sh` in the bench container, each attached by a
// page (sockets of PER_SOCKET sessions, like tabs) until its prompt shows, opened 8 at a time.
// Shared by figures 5 and 10 and bench/idle-heap.ts, so each measures what the others do.
import { HubClient, type AppAddress } from './hub-client.ts';
import { attachTerminal, readPrompt, TARGET } from './terminals.ts';

export const PER_SOCKET = 100;
export const OPENERS = 8;

/** a new idle `sh`, opened by `POST /exec` through `page`'s server; its id */
export async function execShell(page: HubClient): Promise<string> {
  const [sessionId] = await page.exec({ namespace: TARGET.namespace, pod: TARGET.pod, containers: [TARGET.container], command: { shell: 'sh' }, interactive: true });
  return sessionId;
}

/**
 * `count` terminals, the i-th being `terminalOf(i, page)`, each attached by a page on `app` until
 * its shell prompt shows, `openers` at a time; the pages (close them to end the shells), the
 * terminals' ids, and the longest one took to its prompt (ms). A page attached to a terminal
 * another replica holds gets its output replayed from the first byte, so it ends with the prompt too.
 */
export async function attachIdleShells(
  app: AppAddress,
  count: number,
  terminalOf: (i: number, page: HubClient) => Promise<string>,
  openers = OPENERS,
): Promise<{ pages: HubClient[]; sessionIds: string[]; slowestMs: number }> {
  const pages: HubClient[] = [];
  for (let i = 0; i < count; i += PER_SOCKET) pages.push(await HubClient.connect(app));
  const sessionIds: string[] = [];
  let next = 0;
  let slowestMs = 0;
  const opener = async () => {
    while (next < count) {
      const i = next++;
      const page = pages[Math.floor(i / PER_SOCKET)];
      const started = performance.now();
      sessionIds[i] = await terminalOf(i, page);
      await readPrompt(await attachTerminal(page, sessionIds[i]));
      slowestMs = Math.max(slowestMs, performance.now() - started);
    }
  };
  try {
    await Promise.all(Array.from({ length: openers }, opener));
  } catch (error) {
    // Closed here, or their sockets reconnect to a server the figure then stops, and the refused
    // connection crashes the bench in place of this error (figure 10 broke so, twice, unexplained).
    for (const page of pages) page.close();
    throw error;
  }
  return { pages, sessionIds, slowestMs };
}

/** `count` idle shells on `app`; the pages holding them (close them to end the shells). */
export async function openIdleShells(app: AppAddress, count: number): Promise<HubClient[]> {
  return (await attachIdleShells(app, count, (_, page) => execShell(page))).pages;
}
