// What a person reads when PostgreSQL cannot be used: one line naming the problem and what to do
// about it. The store URL holds a password, so nothing here ever prints the URL as given: only
// its redacted form, and every message has the password scrubbed out whatever it says.

/** The URL with its password replaced, for logs and errors; an unparseable one is not printed at all. */
export function redactUrl(url: string): string {
  const parsed = parseStoreUrl(url);
  if (!parsed) return '(an unparseable connection string)';
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

/** The URL if it is a postgres:// or postgresql:// URL, else undefined. */
export function parseStoreUrl(url: string): URL | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'postgres:' || parsed.protocol === 'postgresql:' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** A problem with the store, known to be safe to print: its message is already one line and redacted. */
export class StoreProblem extends Error {}

/** One line saying why `error` happened talking to the store at `url`, with what to do, never the password. */
export function describeStoreError(error: unknown, url: string): string {
  const parsed = parseStoreUrl(url);
  if (!parsed) return 'the store is not a PostgreSQL URL: give postgres://USER:PASSWORD@HOST:PORT/DATABASE (the password can be left out of the command line with --store-file)';
  const message = error instanceof StoreProblem ? error.message : explain(error, parsed);
  return scrub(message.replace(/\s*\n\s*/g, ' '), parsed);
}

function explain(error: unknown, url: URL): string {
  const where = `PostgreSQL at ${url.host}`;
  const user = decodeURIComponent(url.username) || '(no user)';
  const database = decodeURIComponent(url.pathname.slice(1)) || user;
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  switch (code) {
    case 'ECONNREFUSED':
      return `${where} refused the connection: is it running, and is that its host and port?`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `${where}: no such host (${url.hostname}): check the host in the store URL`;
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${where} cannot be reached (${code}): check the host and port, and that a firewall lets this machine through`;
    case '28P01':
      return `${where} refused the password of user ${user}: check the password in the store URL (or in --store-file)`;
    case '28000':
      return `${where} does not let user ${user} in to database ${database} (${message}): check pg_hba.conf and the user in the store URL`;
    case '3D000':
      return `${where} has no database ${database}: create it (CREATE DATABASE ${database}) or fix the database in the store URL`;
  }
  if (/timeout/i.test(message ?? '')) return `${where} did not answer in time (${message}): is it overloaded, or the host wrong?`;
  return `${where}: ${message ?? String(error)}`;
}

/** `text` without the URL's password, however it got there. */
function scrub(text: string, url: URL): string {
  const secrets = [url.password, decodeURIComponent(url.password)].filter((secret) => secret.length > 0);
  return secrets.reduce((out, secret) => out.split(secret).join('***'), text);
}
