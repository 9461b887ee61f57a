// Which alerts this browser tab dismissed, kept in its sessionStorage so a reload does not bring
// them back. The list is untrusted (another version of the page, a hand edit): numbers only.
const DISMISSED_KEY = 'octant-exec.dismissed-alerts';

/** how many dismissals are kept: the newest */
const KEEP = 200;

export function readDismissed(storage?: Storage): number[] {
  try {
    const parsed: unknown = JSON.parse(storage?.getItem(DISMISSED_KEY) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((n): n is number => typeof n === 'number') : [];
  } catch {
    return [];
  }
}

export function saveDismissed(dismissed: readonly number[], storage?: Storage): void {
  try {
    storage?.setItem(DISMISSED_KEY, JSON.stringify(dismissed.slice(-KEEP)));
  } catch {
    // storage disabled: dismissal lasts until reload
  }
}
