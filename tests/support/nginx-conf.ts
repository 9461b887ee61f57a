// The configuration of the tests' nginx: a plain round-robin reverse proxy, HTTP and WebSocket,
// in front of the replicas, as an Ingress puts one in front of the pods
// (deploy/ingress.example.yaml); or a TCP one (nginx's stream module), as a load balancer in
// front of an API server. Everything nginx writes (pid, temp files) goes into one folder the test
// owns, and its log to stderr, which nginx.ts reads.
import { join } from 'node:path';
import process from 'node:process';

export interface NginxConfOptions {
  /** the folder nginx writes in */
  dir: string;
  /** the loopback port it listens on */
  port: number;
  /** the upstreams, `host:port` each, taken in turn */
  upstreams: string[];
  /** seconds a proxied connection may be quiet, each way, before nginx closes it */
  idleTimeoutSeconds: number;
  /** http (default): HTTP and WebSocket, with the client's Host; tcp: the bytes as they are (TLS passes through) */
  protocol?: 'http' | 'tcp';
  /** more directives for the http proxy's location, `name value` each (an Ingress's annotations, tests/deploy/ingress-nginx.ts) */
  locationDirectives?: string[];
}

/** Debian builds the stream (TCP) module as a dynamic one (libnginx-mod-stream), loaded by path. */
export const NGINX_STREAM_MODULE = '/usr/lib/nginx/modules/ngx_stream_module.so';

/** `host:port`, the host a name, an IPv4 address or a bracketed IPv6 one: nothing else reaches the file. */
const UPSTREAM = /^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):\d{1,5}$/;
/** a directive's name and one plain value: nothing else reaches the file */
const DIRECTIVE = /^[a-z_]+ [0-9A-Za-z]+$/;

export function nginxConf({ dir, port, upstreams, idleTimeoutSeconds, protocol = 'http', locationDirectives = [] }: NginxConfOptions): string {
  if (upstreams.length === 0) throw new Error('nginx needs at least one upstream');
  for (const directive of locationDirectives) if (!DIRECTIVE.test(directive)) throw new Error(`a location directive is a name and a plain value, not ${JSON.stringify(directive)}`);
  for (const upstream of upstreams) if (!UPSTREAM.test(upstream)) throw new Error(`an upstream is host:port, not ${JSON.stringify(upstream)}`);
  if (!Number.isInteger(idleTimeoutSeconds) || idleTimeoutSeconds < 1) throw new Error(`the idle timeout is whole seconds, at least 1, not ${idleTimeoutSeconds}`);
  const path = (name: string) => JSON.stringify(join(dir, name));
  const servers = upstreams.map((upstream) => `    server ${upstream};`).join('\n');
  return `# written by tests/support/nginx-conf.ts
${protocol === 'tcp' ? `load_module ${NGINX_STREAM_MODULE};` : ''}
daemon off;
worker_processes 1;
pid ${path('nginx.pid')};
# notice: the lines nginx.ts waits for (worker started, reload done) are notices
error_log stderr notice;
${rootUser()}
events {
  worker_connections 1024;
}
${protocol === 'tcp' ? tcpProxy(port, servers, idleTimeoutSeconds) : httpProxy(path, port, servers, idleTimeoutSeconds, locationDirectives)}`;
}

function httpProxy(path: (name: string) => string, port: number, servers: string, idleTimeoutSeconds: number, locationDirectives: string[]): string {
  return `http {
  access_log off;
  client_body_temp_path ${path('client-body')};
  proxy_temp_path ${path('proxy')};
  fastcgi_temp_path ${path('fastcgi')};
  uwsgi_temp_path ${path('uwsgi')};
  scgi_temp_path ${path('scgi')};

  # a WebSocket's Upgrade goes through; any other request closes its upstream connection
  map $http_upgrade $connection_upgrade {
    default upgrade;
    '' close;
  }

  # round robin, nginx's default; an upstream that refuses a connection is passed over
  upstream replicas {
${servers}
  }

  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://replicas;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      # the Host the client used, which the server checks (--public-url, --allow-host)
      proxy_set_header Host $http_host;
      proxy_read_timeout ${idleTimeoutSeconds}s;
      proxy_send_timeout ${idleTimeoutSeconds}s;
${locationDirectives.map((directive) => `      ${directive};\n`).join('')}    }
  }
}
`;
}

/** A TCP proxy: each connection to the next upstream, cut once no byte went either way for the idle timeout. */
function tcpProxy(port: number, servers: string, idleTimeoutSeconds: number): string {
  return `stream {
  upstream backends {
${servers}
  }

  server {
    listen 127.0.0.1:${port};
    proxy_pass backends;
    proxy_timeout ${idleTimeoutSeconds}s;
  }
}
`;
}

/**
 * Run as root, nginx's workers would become `nobody`, which cannot enter the test's folder
 * (mode 0700, as mkdtemp makes it) and whose group Debian does not have: they stay root.
 */
function rootUser(): string {
  return process.getuid?.() === 0 ? 'user root;' : '';
}
