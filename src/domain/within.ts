// A wait with a bound: what a promise gives, or 'late' once `ms` have passed, its timer cleared
// either way (none is left to hold a process open). Every caller that must not wait on an answer
// that may never come (a cluster that took the connection and says nothing) goes through here.

export async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'late'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), Math.max(0, ms))));
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
