// Alerts (the server's, timed by it) and notices (the page's own) in one list, oldest first as they
// came, and how many of the oldest stay behind "Show N more": a fresh timeout is never the one
// hidden behind older refusals.

/** `items` in the order they came (a stable sort: equals keep their order), and how many of the first are hidden. */
export function newestShown<T extends { at: number }>(items: readonly T[], shown: number): { ordered: T[]; hidden: number } {
  const ordered = [...items].sort((a, b) => a.at - b.at);
  return { ordered, hidden: Math.max(0, ordered.length - shown) };
}
