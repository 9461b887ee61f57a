// A sandbox container's image: the programs it declares, bound read-only at their usual paths
// (nothing else is there: a distroless image has no shell at all), the files a real image keeps
// in /etc, and its environment.
import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { ContainerFixture } from '../fixture/fixture.ts';
import { hostBinary, programData, programNames } from '../containers/tool-catalog.ts';

/** The PATH a container gets unless its image sets one (the usual Linux image default). */
export const CONTAINER_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface ProgramBind {
  /** the program on this machine */
  source: string;
  /** where the container sees it */
  dest: string;
}

export interface ContainerImage {
  /** its programs and the data they read (programData), bound read-only */
  programs: ProgramBind[];
  /** path in the container → content, written into a fresh writable layer */
  files: Record<string, string>;
  env: Record<string, string>;
}

/**
 * A pod's hostname, as the kubelet makes it: its name cut to 63 characters (the kernel takes no
 * more, nor does DNS a label), without a trailing "-" or ".".
 */
export function podHostname(podName: string): string {
  return podName.slice(0, 63).replace(/[-.]+$/, '');
}

export function containerImage(podName: string, container: ContainerFixture): ContainerImage {
  const hostname = podHostname(podName);
  const names = programNames(container.shells, container.tools);
  const binaries = names.flatMap((name) => {
    const source = hostBinary(name);
    return source ? [{ source, dest: `${dirname(source).endsWith('sbin') ? '/usr/sbin' : '/usr/bin'}/${basename(source)}` }] : [];
  });
  const programs = [...binaries, ...programData(names).map((path) => ({ source: path, dest: path }))];
  const image = container.image ?? 'sandbox/unnamed:latest';
  const files: Record<string, string> = {
    '/etc/passwd': 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n',
    '/etc/group': 'root:x:0:\nnogroup:x:65534:\n',
    '/etc/hostname': `${hostname}\n`,
    // The kubelet writes the pod's own name next to localhost.
    '/etc/hosts': `127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n127.0.0.1\t${hostname}\n`,
    '/etc/nsswitch.conf': 'passwd: files\ngroup: files\nhosts: files dns\n',
    '/etc/resolv.conf': hostResolvConf(),
    '/etc/os-release': `NAME="octant-exec sandbox"\nID=octant-exec-sandbox\nPRETTY_NAME="${image.replace(/["\\$`]/g, '')} (octant-exec sandbox image)"\n`,
  };
  // Debian-based images set the prompt people recognise (root@pod:/#) here.
  if (programs.some((p) => p.dest === '/usr/bin/bash')) files['/etc/bash.bashrc'] = "PS1='\\u@\\h:\\w\\$ '\n";
  // Each shell's system-wide start-up file is the image's, never this machine's (whose snippets would run in the container).
  if (programs.some((p) => p.dest === '/usr/bin/zsh')) files['/etc/zsh/zshrc'] = "PROMPT='%n@%m:%~%# '\n";
  if (programs.some((p) => p.dest === '/usr/bin/fish')) files['/etc/fish/config.fish'] = '# The image\'s system-wide fish start-up: nothing beyond fish\'s own defaults.\n';
  return { programs, files, env: { PATH: CONTAINER_PATH, HOME: '/root', HOSTNAME: hostname, ...(container.env ?? {}) } };
}

/** The pods share this machine's network, so its resolver configuration is theirs too. */
function hostResolvConf(): string {
  try {
    return readFileSync('/etc/resolv.conf', 'utf8');
  } catch {
    return '';
  }
}
