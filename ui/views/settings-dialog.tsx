// "Settings" in the top bar: this browser's terminal settings, one line each. A change applies at
// once to every open terminal (a preview) and is kept in this browser (state/preferences.ts);
// Cancel or Escape puts back the settings it changed as they were when it opened, Done keeps them.
import { useRef, useState } from 'preact/hooks';
import { FONT_SIZE, type Preferences, type RendererChoice } from '../state/preferences.ts';
import { useAppState, useServices } from './context.ts';
import { ModalForm } from './modal-form.tsx';

export function SettingsDialog(props: { onClose: () => void }) {
  const { actions } = useServices();
  const { preferences } = useAppState();
  // what Cancel goes back to: every change so far has already been applied and stored. Only the
  // settings changed here go back: another page of this browser may have changed others meanwhile.
  const [opened] = useState(preferences);
  const changedHere = useRef(new Set<keyof Preferences>());
  const change = (settings: Partial<Preferences>) => {
    for (const name of Object.keys(settings) as (keyof Preferences)[]) changedHere.current.add(name);
    actions.setPreferences(settings);
  };
  const cancel = () => {
    actions.setPreferences(Object.fromEntries([...changedHere.current].map((name) => [name, opened[name]])));
    props.onClose();
  };
  // the field as typed; the setting changes only for a size within bounds
  const [typed, setTyped] = useState(String(preferences.fontSize));
  const size = Number(typed);
  const sizeProblem = Number.isInteger(size) && size >= FONT_SIZE.min && size <= FONT_SIZE.max ? undefined : `The font size is a whole number of pixels from ${FONT_SIZE.min} to ${FONT_SIZE.max}.`;
  return (
    <ModalForm class="settings-dialog" titleId="settings-title" title="Settings" runLabel="Done" onClose={cancel} onRun={props.onClose} local>
      <p class="muted">For the terminals in this browser; kept here, not on the server.</p>
      <div class="field">
        <label for="setting-font-size">Font size (px)</label>
        <input
          id="setting-font-size"
          type="number"
          min={FONT_SIZE.min}
          max={FONT_SIZE.max}
          step={1}
          value={typed}
          aria-describedby="setting-font-size-hint"
          aria-invalid={sizeProblem ? true : undefined}
          onInput={(e) => {
            const text = (e.currentTarget as HTMLInputElement).value;
            setTyped(text);
            const n = Number(text);
            if (text.trim() && Number.isInteger(n) && n >= FONT_SIZE.min && n <= FONT_SIZE.max) change({ fontSize: n });
          }}
        />
      </div>
      <p id="setting-font-size-hint" class={sizeProblem ? 'error' : 'hint'}>
        {sizeProblem ?? `Also Ctrl (⌘) + and − in a terminal, Ctrl (⌘) 0 for the default (${FONT_SIZE.default}).`}
      </p>
      <label class="check">
        <input type="checkbox" checked={preferences.confirmClose} onChange={(e) => change({ confirmClose: (e.currentTarget as HTMLInputElement).checked })} />
        <span>Ask before closing a terminal that still runs</span>
      </label>
      <label class="check">
        <input type="checkbox" checked={preferences.copyOnSelect} onChange={(e) => change({ copyOnSelect: (e.currentTarget as HTMLInputElement).checked })} />
        <span>Copy on select</span>
      </label>
      <label class="check">
        <input type="checkbox" checked={preferences.screenReader} aria-describedby="setting-screen-reader-hint" onChange={(e) => change({ screenReader: (e.currentTarget as HTMLInputElement).checked })} />
        <span>Screen reader support</span>
      </label>
      <p id="setting-screen-reader-hint" class="hint">
        Screen readers read the terminals' text and hear new output. It makes fast output slower to draw.
      </p>
      <div class="field">
        <label for="setting-renderer">Renderer</label>
        <select id="setting-renderer" value={preferences.renderer} onChange={(e) => change({ renderer: (e.currentTarget as HTMLSelectElement).value as RendererChoice })}>
          <option value="auto">Automatic: WebGL on a graphics card, else the plain renderer</option>
          <option value="webgl">WebGL wherever the browser has it</option>
          <option value="dom">Plain (the browser's own drawing)</option>
        </select>
      </div>
    </ModalForm>
  );
}
