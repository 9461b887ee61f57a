// Small text helpers for the views.
export function clock(ms: number | undefined): string {
  if (!ms) return '—';
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** A moment as a person reads it: the time alone today, with its date on another day (a share link lasts up to a day). */
export function when(ms: number, now = Date.now()): string {
  const end = new Date(ms);
  return end.toDateString() === new Date(now).toDateString() ? end.toLocaleTimeString() : end.toLocaleString([], { dateStyle: 'medium', timeStyle: 'medium' });
}

export function ago(ms: number | undefined, now = Date.now()): string {
  if (!ms) return '—';
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  return `${Math.floor(s / 3600)}h ago`;
}

/** A pod's age as kubectl prints it: 45s, 12m, 3h, 5d. */
export function age(iso: string | undefined, now = Date.now()): string {
  const created = iso ? Date.parse(iso) : NaN;
  if (Number.isNaN(created)) return '—';
  const s = Math.max(0, Math.floor((now - created) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172_800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

/** Saves text (or a blob) as a file through a temporary link (no inline script, CSP-safe). */
export function download(name: string, content: string | Blob, type = 'text/plain'): void {
  const url = URL.createObjectURL(typeof content === 'string' ? new Blob([content], { type: `${type};charset=utf-8` }) : content);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

