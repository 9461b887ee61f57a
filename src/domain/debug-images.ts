// Which images a debug container may run. A debug container joins the target's process namespace
// and sees its files (/proc/1/root): the server offers only images its operator listed
// (`--debug-image`), never one a request names. And which containers a debug container may target.
import type { ContainerInfo, ContainerKind } from './pod.ts';

/** busybox has sh and the usual tools, and is small. */
export const DEFAULT_DEBUG_IMAGES: readonly string[] = ['busybox:1.36'];

/** An image reference as a flag may give it: registry/path:tag or @digest, nothing a shell or a header could misread. */
const IMAGE_REFERENCE = /^[a-z0-9][a-z0-9._\-/:@]{0,254}$/i;

/** The list a server offers, from its flags; a malformed reference stops the start. */
export function debugImageList(flags: readonly string[] | undefined): string[] {
  const images = flags && flags.length > 0 ? [...new Set(flags)] : [...DEFAULT_DEBUG_IMAGES];
  for (const image of images) if (!IMAGE_REFERENCE.test(image)) throw new Error(`--debug-image "${image.slice(0, 80)}" is not an image reference (like busybox:1.36 or registry.example.com/tools:1).`);
  return images;
}

/** Why a request's image cannot be used, or undefined when it is on the list. */
export function debugImageProblem(image: unknown, allowed: readonly string[]): string | undefined {
  if (typeof image === 'string' && allowed.includes(image)) return undefined;
  const named = typeof image === 'string' ? `"${image.slice(0, 80)}"` : 'that image';
  return `The debug image ${named} is not allowed here: this server offers ${allowed.join(', ')} (its --debug-image flags). Choose one of those.`;
}

/**
 * Whether a debug container may target a container of this kind: a main container or a native
 * sidecar (an init container with restartPolicy: Always), which run for the pod's life. The API
 * takes a plain init container's name too, but it runs only until it finishes, and the process
 * namespace a debug container joins ends with it; a debug container is never a target.
 */
export const isDebugTarget = (kind: ContainerKind): boolean => kind === 'regular' || kind === 'sidecar';

/** Why a debug container cannot target this container of pod `pod`, or undefined when it can (the page offers Debug by the same rule). */
export function notDebugTargetReason(pod: string, container: Pick<ContainerInfo, 'name' | 'kind'>): string | undefined {
  const { name, kind } = container;
  if (isDebugTarget(kind)) return undefined;
  if (kind === 'init') return `Container "${name}" of pod "${pod}" is an init container: it runs only until it finishes, and its processes with it, so a debug container cannot target it. Open a shell in it while it runs, or debug a copy of the pod.`;
  return `Container "${name}" of pod "${pod}" is a debug container itself: open a shell in it, or debug the container it targets.`;
}
