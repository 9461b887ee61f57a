// The proxy a cluster is reached through when its kubeconfig names none (proxy-url), taken from
// the environment as kubectl takes it: client-go's transport uses Go's http.ProxyFromEnvironment
// (golang.org/x/net/http/httpproxy), and behind a corporate proxy only that way out works. So: an
// https server goes through HTTPS_PROXY, an http one through HTTP_PROXY (current Go does not fall
// back on HTTP_PROXY for https), each also in lowercase (the uppercase one wins when set); a value
// without a scheme is http://. Never for localhost or a loopback address, nor for what NO_PROXY
// (or no_proxy) lists: `*` (everything), IP addresses and CIDR ranges, and domain names, where
// `example.com` is that name and its subdomains, `.example.com` and `*.example.com` the
// subdomains only; any entry may end in `:port`, matching that port only. A proxy found here is
// then the cluster's proxy-url, so every path that honours one (client-node's agent for reads,
// watches and the WebSocket exec; the SPDY dialer, which takes that agent) goes through it.
import type { Cluster } from '@kubernetes/client-node/dist/config_types.js';
import { BlockList, isIP } from 'node:net';

type Env = Record<string, string | undefined>;

/** What client-node's createAgent can go through (hpagent: http, https; socks-proxy-agent) that Go takes too. */
const SCHEMES = ['http:', 'https:', 'socks5:', 'socks5h:'];

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4'); // an IPv4-mapped IPv6 address is checked against it too
loopback.addAddress('::1', 'ipv6');

/** `cluster` with the environment's proxy as its proxy-url where it has none and one applies; throws an Error saying why a proxy it would use cannot be. */
export function withEnvironmentProxy(cluster: Cluster, env: Env): Cluster {
  if (cluster.proxyUrl) return cluster; // the kubeconfig's own wins, as in client-go, NO_PROXY or not
  const proxyUrl = proxyFromEnvironment(cluster.server, env);
  return proxyUrl ? { ...cluster, proxyUrl } : cluster;
}

/** The proxy URL for requests to `server`, or undefined to go straight there. */
export function proxyFromEnvironment(server: string, env: Env): string | undefined {
  const target = parse(server);
  if (target?.protocol !== 'https:' && target?.protocol !== 'http:') return undefined; // client-node says what is wrong with it
  const variable = target.protocol === 'https:' ? 'HTTPS_PROXY' : 'HTTP_PROXY';
  const value = read(env, variable);
  if (!value) return undefined;
  const host = target.hostname.replace(/^\[|\]$/g, '');
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  if (!useProxy(host, port, read(env, 'NO_PROXY') ?? '')) return undefined;
  return proxyUrl(variable, value);
}

function read(env: Env, name: string): string | undefined {
  return env[name] || env[name.toLowerCase()] || undefined;
}

function parse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

function proxyUrl(variable: string, value: string): string {
  // as Go's parseProxy: a value without a scheme (proxy.corp:3128) is taken as http://
  const url = parse(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`);
  // the value is not repeated: it may hold the proxy's password
  if (!url?.hostname) throw new Error(`${variable} in the environment is not a proxy URL: set it to one, such as http://proxy.example.com:3128, or unset it.`);
  if (!SCHEMES.includes(url.protocol)) {
    throw new Error(`${variable} in the environment names a ${url.protocol}// proxy, which octant-exec cannot go through: it takes ${SCHEMES.map((scheme) => `${scheme}//`).join(', ')} (as kubectl does). Fix or unset it, or list the cluster's host in NO_PROXY.`);
  }
  return url.href;
}

/** Go's useProxy: false for localhost, a loopback address, or a host (and port) NO_PROXY lists. */
function useProxy(host: string, port: string, noProxy: string): boolean {
  const name = host.toLowerCase();
  const family = isIP(name) === 4 ? 'ipv4' : isIP(name) === 6 ? 'ipv6' : undefined;
  if (name === 'localhost' || (family && loopback.check(name, family))) return false;
  return !noProxy.split(',').some((entry) => excludes(entry.trim().toLowerCase(), name, port, family));
}

function excludes(entry: string, host: string, port: string, family: 'ipv4' | 'ipv6' | undefined): boolean {
  if (entry === '*') return true;
  if (!entry) return false;
  const cidr = /^(.+)\/(\d{1,3})$/.exec(entry);
  if (cidr) return family !== undefined && inSubnet(host, family, cidr[1]!, Number(cidr[2]));
  // host:port, [IPv6]:port; a bare IPv6 address has too many colons to be split, as in Go
  const split = /^\[([^\]]*)\]:([^:]*)$/.exec(entry) ?? /^([^:[\]]*):([^:]*)$/.exec(entry);
  const [entryHost, entryPort] = split ? [split[1]!, split[2]!] : [entry, ''];
  if (!entryHost) return false;
  const portMatches = entryPort === '' || entryPort === port;
  if (isIP(entryHost)) return family !== undefined && portMatches && inSubnet(host, family, entryHost, isIP(entryHost) === 4 ? 32 : 128);
  const domain = entryHost.startsWith('*.') ? entryHost.slice(1) : entryHost;
  // "example.com" is itself and its subdomains; ".example.com" (and "*.example.com") only subdomains
  const matches = domain.startsWith('.') ? host.endsWith(domain) : host === domain || host.endsWith(`.${domain}`);
  return matches && portMatches;
}

function inSubnet(host: string, family: 'ipv4' | 'ipv6', network: string, prefix: number): boolean {
  const networkFamily = isIP(network) === 4 ? 'ipv4' : isIP(network) === 6 ? 'ipv6' : undefined;
  if (!networkFamily || prefix > (networkFamily === 'ipv4' ? 32 : 128)) return false; // not a CIDR range: Go skips it too
  const list = new BlockList();
  list.addSubnet(network, prefix, networkFamily);
  return list.check(host, family);
}
