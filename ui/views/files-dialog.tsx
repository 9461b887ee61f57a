// The Upload and Download dialogs of a terminal: which files to put where (default the
// container's /tmp), or which path to get. Paths must be absolute, as the server asks.
import { useState } from 'preact/hooks';
import type { SessionRow } from '../../src/protocol/index.ts';
import { fieldState, ModalForm, type FormProblem } from './modal-form.tsx';

const pathProblem = (path: string) => (path.startsWith('/') ? undefined : 'The path must be absolute: start it with /.');

export function UploadDialog(props: { row: SessionRow; files?: File[]; onClose: () => void; onRun: (dir: string, files: File[]) => void; focusAfter?: () => HTMLElement | null }) {
  const [dir, setDir] = useState('/tmp');
  const [files, setFiles] = useState<File[]>(props.files ?? []);
  const dirProblem = pathProblem(dir);
  // no file yet is where every upload starts, not a mistake: the file field says "No file chosen"
  const problem: FormProblem | undefined = dirProblem ? { text: dirProblem, shown: true, field: 'upload-dir' } : files.length === 0 ? { text: 'Choose at least one file.', shown: false } : undefined;
  return (
    <ModalForm class="files-dialog" titleId="upload-title" title={`Upload to ${props.row.target.container}`} problem={problem} onClose={props.onClose} onRun={() => props.onRun(dir, files)} runLabel="Upload" focusAfter={props.focusAfter}>
      <label>
        Directory in the container
        <input id="upload-dir" type="text" value={dir} required {...fieldState('upload-title', problem, 'upload-dir')} onInput={(e) => setDir((e.currentTarget as HTMLInputElement).value)} />
      </label>
      <label>
        Files
        <input type="file" multiple onChange={(e) => setFiles([...((e.currentTarget as HTMLInputElement).files ?? [])])} />
      </label>
      {files.length > 0 && <p class="muted">{files.map((f) => f.name).join(', ')}</p>}
    </ModalForm>
  );
}

export function DownloadDialog(props: { row: SessionRow; onClose: () => void; onRun: (path: string) => void; focusAfter?: () => HTMLElement | null }) {
  const [path, setPath] = useState('/tmp/');
  const why = pathProblem(path) ?? (path === '/' ? 'Name a file or directory, not / itself.' : undefined);
  const problem: FormProblem | undefined = why ? { text: why, shown: true, field: 'download-path' } : undefined;
  return (
    <ModalForm class="files-dialog" titleId="download-title" title={`Download from ${props.row.target.container}`} problem={problem} onClose={props.onClose} onRun={() => props.onRun(path)} runLabel="Download" focusAfter={props.focusAfter}>
      <label>
        File or directory (a directory comes as .tar.gz)
        <input id="download-path" type="text" value={path} required {...fieldState('download-title', problem, 'download-path')} onInput={(e) => setPath((e.currentTarget as HTMLInputElement).value)} />
      </label>
    </ModalForm>
  );
}
