// The images a created pod (or an ephemeral debug container) may name, and what each holds, as
// fixture shells and tools: the sandbox has no registry, so an image is known here or it cannot
// be pulled (its container then waits in ErrImagePull, as on a node whose registry says no).
// Fixture pods name their images freely; this catalogue is only for pods made through the API.

/** What busybox (and alpine, which is busybox) carries besides sh. */
const BUSYBOX_TOOLS = ['coreutils', 'procps', 'textutils', 'tar'];
const DEBIAN_TOOLS = ['coreutils', 'tar'];

export interface CatalogueImage {
  shells: string[];
  tools: string[];
  /**
   * The image's CMD, run when the spec gives neither command nor args (no image here has an
   * ENTRYPOINT, so args alone are the whole command, as with busybox). None: the image's server
   * is stood in by an idle main process (nginx, postgres: their programs are not in the sandbox).
   */
  cmd?: string[];
}

interface Entry extends CatalogueImage {
  /** the tags that exist; a reference without a tag means "latest" */
  tags: string[];
}

const IMAGES: Record<string, Entry> = {
  busybox: { tags: ['1.36', '1.37', 'latest'], shells: ['sh'], tools: BUSYBOX_TOOLS, cmd: ['sh'] },
  alpine: { tags: ['3.20', '3.21', 'latest'], shells: ['sh'], tools: BUSYBOX_TOOLS, cmd: ['/bin/sh'] },
  nginx: { tags: ['1.27', 'latest'], shells: ['bash', 'sh'], tools: DEBIAN_TOOLS },
  postgres: { tags: ['16', 'latest'], shells: ['bash', 'sh'], tools: DEBIAN_TOOLS },
  ubuntu: { tags: ['24.04', 'latest'], shells: ['bash', 'sh'], tools: [...DEBIAN_TOOLS, 'procps', 'textutils'], cmd: ['/bin/bash'] },
  'gcr.io/distroless/static': { tags: ['nonroot', 'latest'], shells: [], tools: [] },
};

/** Docker Hub's official images are spelt three ways: busybox, library/busybox, docker.io/library/busybox. */
function repositoryAndTag(reference: string): { repository: string; tag: string } {
  const withoutDigest = reference.split('@')[0];
  const colon = withoutDigest.lastIndexOf(':');
  const hasTag = colon > withoutDigest.lastIndexOf('/');
  const repository = (hasTag ? withoutDigest.slice(0, colon) : withoutDigest).replace(/^(docker\.io\/|index\.docker\.io\/)/, '').replace(/^library\//, '');
  return { repository, tag: hasTag ? withoutDigest.slice(colon + 1) : 'latest' };
}

/** The image's contents, or undefined when no such image exists (ErrImagePull). */
export function catalogueImage(reference: string): CatalogueImage | undefined {
  const { repository, tag } = repositoryAndTag(reference);
  const entry = Object.hasOwn(IMAGES, repository) ? IMAGES[repository] : undefined;
  if (!entry?.tags.includes(tag)) return undefined;
  const { tags: _, ...image } = entry;
  return image;
}

/** The kubelet's default pull policy: Always for :latest (or no tag), IfNotPresent otherwise. */
export function defaultPullPolicy(reference: string): string {
  return repositoryAndTag(reference).tag === 'latest' && !reference.includes('@') ? 'Always' : 'IfNotPresent';
}

/** What `kubectl describe` shows for an image the sandbox does not have, worded as containerd's pull error. */
export function imagePullMessage(reference: string): string {
  return `Failed to pull image "${reference}": rpc error: code = NotFound desc = failed to pull and unpack image "${reference}": not found in the octant-exec sandbox's image catalogue (known: ${Object.keys(IMAGES).join(', ')})`;
}
