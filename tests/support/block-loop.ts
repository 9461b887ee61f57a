// A busy event loop on demand: the heartbeat tests stand in for a loaded server (p99 delays of
// seconds) by holding the loop with a busy wait, so no timer, no read, no peer in this process runs.

export function blockEventLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // nothing: the point is that nothing else runs
  }
}
