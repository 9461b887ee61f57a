// The flags of `octant-exec cp`. Plain data, loaded for --help and completion without the copy code.
import type { CommandSpec } from '../flags.ts';
import { serverFlags, serverFooter, targetFlags } from '../server/server-flags.ts';

export const cpSpec = {
  name: 'cp',
  usage: 'octant-exec cp [options] SRC DST',
  summary: 'copy files and directories into and out of containers (kubectl cp\'s syntax)',
  about: `Copies through a running octant-exec server, as tar over exec: each copy is an upload or
download action it runs, audits and lists like a terminal. One of SRC and DST is in a
container, written [NAMESPACE/]POD:PATH; the other is a local path. As with kubectl cp, a copy
onto a folder (one that is there, or DST ending in "/") goes into it under its own name, SRC
ending in "/." is its contents, and otherwise DST names the copy; the folders above a local DST
are made. A folder is never copied onto a file, either way. SRC given as a symlink is followed,
as cp -H does (what it points to goes, under the link's name); symlinks inside a folder go as
symlinks. Without a namespace (NAMESPACE/ or -n; both must agree), the pod is in the one of
the server's context.
  octant-exec cp ./site web:/usr/share/nginx/html     a directory in (html/site)
  octant-exec cp ./site/. web:/usr/share/nginx/html   its contents in (html/index.html, ...)
  octant-exec cp batch/worker-0:/var/log/app.log .    a file out (./app.log)
What comes out of a container is extracted safely: nothing is written outside DST (no "..",
absolute names, links that point outside, or writes through symlinks it brings). Each file
coming out, alone or in a folder, is written beside its place and put there (or, for a symlink
you made as DST, in what it points to) only once whole: a failed or interrupted copy leaves no
short file, and an earlier copy as it was.`,
  operands: 'file',
  flags: { ...targetFlags, ...serverFlags },
  footer: `${serverFooter}
Exit status: 0 when the copy is done (what cannot be carried safely, such as a symlink that
points outside what is copied or a name that is not UTF-8, is left out and said on stderr, as
are a folder's files removed in the container while its tar read the folder), 3
when it is done but a file changed while it was copied (a log still written to, a file rewritten
in place: GNU tar's "file changed as we read it"): each is named on stderr, and its copy holds
what was read, as long as the file was when the copy began, which may be cut short or mix two
versions; 1 when it failed (the server's sentence on stderr), 2 for a usage error, 130 or 143
when interrupted.`,
} as const satisfies CommandSpec;
