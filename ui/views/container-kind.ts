// How a container's kind is named beside its name, in the Pod view's table and the Exec dialog's
// choice: a main container needs no word; the others do, since they start and end differently.
import type { ContainerKind } from '../../src/domain/pod.ts';

export const KIND_TAGS: Record<ContainerKind, { text: string; title: string } | undefined> = {
  regular: undefined,
  init: { text: 'init', title: 'An init container: it runs to completion before the main containers start' },
  sidecar: { text: 'sidecar', title: 'A native sidecar (an init container with restartPolicy: Always): it runs beside the main containers' },
  ephemeral: { text: 'debug', title: 'A debug (ephemeral) container, added to the running pod' },
};
