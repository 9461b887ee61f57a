// Idle interactive shells as figure 5 holds them: `sh` in the bench container, each attached by a
// page (sockets of PER_SOCKET sessions, like tabs) until its prompt shows, opened 8 at a time.
// Shared by figure 5 and bench/idle-heap.ts, so the heap breakdown measures what the figure does.
import { HubClient, type AppAddress } from './hub-client.ts';
import { attachTerminal, readPrompt, TARGET } from './terminals.ts';

export const PER_SOCKET = 100;
const OPENERS = 8;

/** `count` idle shells on `app`; the pages holding them (close them to end the shells). */
export async function openIdleShells(app: AppAddress, count: number): Promise<HubClient[]> {
  const pages: HubClient[] = [];
  for (let i = 0; i < count; i += PER_SOCKET) pages.push(await HubClient.connect(app));
  let next = 0;
  const opener = async () => {
    while (next < count) {
      const page = pages[Math.floor(next / PER_SOCKET)];
      next++;
      const [sessionId] = await page.exec({ namespace: TARGET.namespace, pod: TARGET.pod, containers: [TARGET.container], command: { shell: 'sh' }, interactive: true });
      await readPrompt(await attachTerminal(page, sessionId));
    }
  };
  await Promise.all(Array.from({ length: OPENERS }, opener));
  return pages;
}
