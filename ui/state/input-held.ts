// Sessions whose program is not reading its input: the server says `inputHeld` (and again in every
// `attached`) once a MiB waits to reach the program, and the page's socket client holds what is
// typed for it until told it may go on (socket-client.ts). The panel says so, or a person typing
// into a busy program would see nothing happen and not know why.

/** `held` with `sessionId` in it or not; the same array when nothing changes (no re-render). */
export function withInputHeld(held: string[], sessionId: string, isHeld: boolean): string[] {
  if (held.includes(sessionId) === isHeld) return held;
  return isHeld ? [...held, sessionId] : held.filter((id) => id !== sessionId);
}
