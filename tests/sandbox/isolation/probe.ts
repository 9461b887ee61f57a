// A small C program the isolation tests build with gcc and put in a container's layer: it makes
// the system calls no image's tool makes (keyctl, add_key, request_key; a listening socket, an
// abstract Unix socket), and prints what the kernel said.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireTool } from '../../support/sandbox.ts';

const SOURCE = String.raw`
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/keyctl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>

static const char *said(long rc) { return rc < 0 ? strerror(errno) : "allowed"; }

static int tcp(int port, struct sockaddr_in *at) {
  memset(at, 0, sizeof *at);
  at->sin_family = AF_INET;
  at->sin_port = htons(port);
  inet_pton(AF_INET, "127.0.0.1", &at->sin_addr);
  return socket(AF_INET, SOCK_STREAM, 0);
}

static socklen_t abstract(const char *name, struct sockaddr_un *at) {
  memset(at, 0, sizeof *at);
  at->sun_family = AF_UNIX;
  memcpy(at->sun_path + 1, name, strlen(name));
  return offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name);
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc < 2) return 2;
  if (!strcmp(argv[1], "keys")) {
    printf("keyctl: %s\n", said(syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0)));
    printf("add_key: %s\n", said(syscall(SYS_add_key, "user", "octant-exec-probe", "x", 1, KEY_SPEC_PROCESS_KEYRING)));
    printf("request_key: %s\n", said(syscall(SYS_request_key, "user", "octant-exec-probe-none", NULL, 0)));
    return 0;
  }
  if (!strcmp(argv[1], "listen") && argc > 2) { /* listen PORT: one connection, what it sent */
    struct sockaddr_in at; int s = tcp(atoi(argv[2]), &at), one = 1; char got[100] = {0};
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(s, (void *)&at, sizeof at) || listen(s, 1)) { printf("listen: %s\n", strerror(errno)); return 1; }
    printf("listening\n");
    int c = accept(s, NULL, NULL);
    read(c, got, sizeof got - 1);
    printf("received: %s\n", got);
    return 0;
  }
  if (!strcmp(argv[1], "connect") && argc > 3) { /* connect PORT TEXT */
    struct sockaddr_in at; int s = tcp(atoi(argv[2]), &at);
    if (connect(s, (void *)&at, sizeof at)) { printf("connect: %s\n", strerror(errno)); return 1; }
    write(s, argv[3], strlen(argv[3]));
    printf("connect: sent\n");
    return 0;
  }
  if (!strcmp(argv[1], "abstract-listen") && argc > 2) { /* abstract-listen NAME: one connection */
    struct sockaddr_un at; socklen_t length = abstract(argv[2], &at); int s = socket(AF_UNIX, SOCK_STREAM, 0);
    if (bind(s, (void *)&at, length) || listen(s, 1)) { printf("listen: %s\n", strerror(errno)); return 1; }
    printf("listening\n");
    close(accept(s, NULL, NULL));
    printf("accepted\n");
    return 0;
  }
  if (!strcmp(argv[1], "abstract-connect") && argc > 2) { /* abstract-connect NAME */
    struct sockaddr_un at; socklen_t length = abstract(argv[2], &at); int s = socket(AF_UNIX, SOCK_STREAM, 0);
    printf("abstract-connect: %s\n", said(connect(s, (void *)&at, length)));
    return 0;
  }
  return 2;
}
`;

/** Builds the probe in `dir` (gcc, which the tests need); returns its path. */
export function buildProbe(dir: string): string {
  requireTool('/usr/bin/gcc');
  writeFileSync(join(dir, 'probe.c'), SOURCE);
  const program = join(dir, 'probe');
  execFileSync('gcc', ['-O1', '-o', program, join(dir, 'probe.c')]);
  return program;
}

/** Puts the probe at /probe in a running container, through its writable layer on this machine's side. */
export function plantProbe(probe: string, layer: string): void {
  copyFileSync(probe, join(layer, 'probe'));
  chmodSync(join(layer, 'probe'), 0o755);
}

/** The layer of a container's latest start: CONTAINER.N in its pod's folder, N counting the pod's container starts. */
export function layerOf(podDir: string, container: string): string {
  const starts = readdirSync(podDir).filter((name) => name.startsWith(`${container}.`)).map((name) => Number(name.slice(container.length + 1)));
  if (starts.length === 0) throw new Error(`no layer of ${container} in ${podDir}: its pod has not started it`);
  return join(podDir, `${container}.${Math.max(...starts)}`);
}
