// RBAC objects from YAML manifests (one or many documents per file, as `kubectl apply -f` takes
// them). Documents of other API groups (a ServiceAccount, a Deployment) are skipped: a file
// written for a real cluster loads as it is. Errors name the file and the line.
import { readFileSync } from 'node:fs';
import { loadAll, YAMLException } from 'js-yaml';
import { checkRbacObject, isRbacManifest } from './rbac-check.ts';
import type { SourcedObject } from './rbac-authorizer.ts';

export function loadRbacFile(path: string): SourcedObject[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`RBAC file ${path}: ${(error as Error).message}`);
  }
  let documents: unknown[];
  try {
    documents = loadAll(text);
  } catch (error) {
    if (!(error instanceof YAMLException)) throw error;
    throw new Error(`RBAC file ${path} line ${error.mark.line + 1}: ${error.reason}`);
  }
  const starts = documentStartLines(text);
  const found: SourcedObject[] = [];
  documents.forEach((document, i) => {
    if (document === null || document === undefined || !isRbacManifest(document)) return;
    const where = starts.length === documents.length ? `${path} line ${starts[i]}` : `${path} document ${i + 1}`;
    found.push({ object: checkRbacObject(document, where), source: where });
  });
  return found;
}

/**
 * The line (1-based) where each document begins: at each `---` marker, and at the first content
 * when there is some before the first marker. A marker at the start of a line always begins a
 * document in YAML (it ends any scalar), so this agrees with the parser's own count.
 */
function documentStartLines(text: string): number[] {
  const lines = text.split('\n');
  const markers = lines.flatMap((line, i) => (/^---(\s|$)/.test(line) ? [i + 1] : []));
  const firstMarker = markers.length ? markers[0] - 1 : lines.length;
  const leading = lines.slice(0, firstMarker).findIndex((line) => line.trim() !== '' && !/^\s*#/.test(line) && !line.startsWith('%'));
  return leading >= 0 ? [leading + 1, ...markers] : markers;
}
