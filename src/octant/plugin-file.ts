// The plugin as a file: a first line that sets octant-exec's address (goja has no environment to
// read, so the address is fixed in the file), then the ES5 body esbuild made from plugin.ts.
// Node side: the build and `octant-exec octant install` use this; it is not part of the plugin.

export const defaultServerUrl = 'http://127.0.0.1:7788';

const urlLine = /^var OCTANT_EXEC_URL = "[^"\\\n]*";\n/;

/**
 * Throws unless `url` is an http(s) URL that can stand in a JavaScript string as it is, and that
 * the plugin can append "/embed?…" to: no query or fragment (the path would land inside them) and
 * no user name (it hides which host the tab reaches). And a URL the platform parses, with a port
 * of 1 to 65535 when it names one: "http://[::1" or ":99999" would be written into the plugin,
 * whose every tab would then fail, and stop the printed steps with a stack trace.
 */
export function checkServerUrl(url: string): void {
  const shown = JSON.stringify(url.slice(0, 100));
  if (!/^https?:\/\/[^\s"'\\?#@]+$/.test(url)) throw new Error(`the octant-exec address must be an http(s) URL, not ${shown}`);
  let port: string;
  try {
    port = new URL(url).port;
  } catch {
    throw new Error(`the octant-exec address ${shown} is not a valid URL: check its host (an IPv6 one in brackets, [::1]) and its port (1 to 65535)`);
  }
  if (port === '0') throw new Error(`the octant-exec address ${shown} has port 0: give the port octant-exec listens on (1 to 65535)`);
}

/** The plugin with `url` as its address; `source` is the body, or a plugin file whose address it replaces. */
export function pluginWithUrl(source: string, url: string): string {
  checkServerUrl(url);
  return `var OCTANT_EXEC_URL = ${JSON.stringify(url)};\n${source.replace(urlLine, '')}`;
}

