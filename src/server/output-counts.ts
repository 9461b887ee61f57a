// Whether a terminal's output keeps it from its idle timeout (terminal-io.ts: outputCountsWhen):
// only while someone watches it. A viewer is anyone the data plane sends its bytes to: a page's
// socket, a share link's holder, the CLI's attach, or another replica's relay, which is a viewer
// like any other on the replica that holds the terminal. So a terminal whose tab was closed, or
// whose browser vanished (dropped by the heartbeat, SECURITY.md item 12), goes idle and times
// out as a quiet one does, alert and audit record with it, whatever it prints; one being watched
// is kept alive by its output; keystrokes count whoever watches.
import type { ExecSystem } from '../runtime/exec-system.ts';

export function outputCounts(system: ExecSystem, data: { viewerCount(sessionId: string): number }): (sessionId: string) => boolean {
  return (sessionId) => {
    if (data.viewerCount(sessionId) > 0) return true;
    // Quiet never ends a batch's run: its idle badge and last activity stay true whoever watches.
    // Not listed yet (a shared log gives the spawn back a moment after its first bytes): as before.
    const row = system.sessionList.byId[sessionId];
    return row === undefined || row.idleTimeoutMs === undefined;
  };
}
