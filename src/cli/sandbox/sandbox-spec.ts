// The flags of `octant-exec sandbox`. Plain data, loaded for --help and completion without the sandbox.
import type { CommandSpec } from '../flags.ts';

export const sandboxSpec = {
  name: 'sandbox',
  usage: 'octant-exec sandbox [options]',
  summary: 'the built-in sandbox cluster alone, for kubectl or another octant-exec',
  about: `Runs a local Kubernetes API subset whose pods are local processes, each container inside
bubblewrap with nothing of this machine in sight (see docs/sandbox.md), until Ctrl-C.`,
  flags: {
    port: { type: 'string', value: 'N', help: 'port on 127.0.0.1 (0, the default, picks a free one)' },
    fixture: { type: 'string', value: 'FILE', help: 'cluster description (JSON); default: the built-in demo cluster', completes: 'file' },
    'kubeconfig-out': { type: 'string', value: 'FILE', help: 'where to write the kubeconfig; default: STATE_DIR/kubeconfig', completes: 'file' },
    'state-dir': { type: 'string', value: 'DIR', help: 'certificates, kubeconfig and container directories;\ndefault: a temp dir, removed at the end', completes: 'file' },
    'exec-transports': { type: 'string', value: 'LIST', help: 'exec upgrades served, comma-separated: websocket, spdy (default both);\ne.g. spdy alone refuses WebSocket so kubectl 1.30+ falls back to SPDY' },
    'sandbox-unisolated': { type: 'boolean', help: 'run containers as plain processes of yours on this machine, where\nbubblewrap cannot run (a shell in one can read and change your files)' },
    json: { type: 'boolean', help: 'print one JSON line when ready:\n{"server","kubeconfig","context","isolation","users","audit"}' },
  },
} as const satisfies CommandSpec;
