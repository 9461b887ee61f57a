// What every view can reach: the store to read, the actions to call, the terminals to show.
import { createContext } from 'preact';
import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import type { Actions } from '../state/actions.ts';
import type { AppState } from '../state/app-state.ts';
import type { InspectorFeed } from '../state/inspector-feed.ts';
import type { Store } from '../state/store.ts';
import type { TerminalManager } from '../terminal/terminal-manager.ts';
import type { TransferActions } from '../state/transfer-actions.ts';
import type { ShareActions } from '../state/share-actions.ts';

export interface AppServices {
  store: Store<AppState>;
  actions: Actions;
  terminals: TerminalManager;
  inspector: InspectorFeed;
  transfers: TransferActions;
  shares: ShareActions;
}

export const Services = createContext<AppServices>(undefined as unknown as AppServices);

export function useServices(): AppServices {
  return useContext(Services);
}

/** A slice of a store, re-rendering only when the slice changes (by identity). */
export function useSelect<S, T>(store: Store<S>, select: (state: S) => T): T {
  const selectRef = useRef(select);
  selectRef.current = select;
  const [value, setValue] = useState(() => select(store.get()));
  useEffect(() => {
    setValue(() => selectRef.current(store.get()));
    return store.subscribe((state) => setValue(() => selectRef.current(state)));
  }, [store]);
  return value;
}

export function useAppState(): AppState {
  const { store } = useServices();
  return useSelect(store, (s) => s);
}
