// The flags of `octant-exec completion`. Plain data.
import type { CommandSpec } from '../flags.ts';

export const completionSpec = {
  name: 'completion',
  usage: 'octant-exec completion (bash | zsh)',
  summary: 'shell completion: commands, flags, contexts, namespaces and pods',
  about: `Prints a script that completes octant-exec's commands and flags, and, where a kubeconfig
is reachable, its contexts, namespaces and pod names (asked of the cluster as you type, like
kubectl). Load it in the shell's start-up file:
  bash (~/.bashrc):  source <(octant-exec completion bash)
  zsh (~/.zshrc, after compinit):  source <(octant-exec completion zsh)`,
  subcommands: { bash: 'the script for bash', zsh: 'the script for zsh' },
  flags: {},
} as const satisfies CommandSpec;
