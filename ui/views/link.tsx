// An in-app link: a real <a href> (open in a new tab works) that navigates without a reload.
import type { ComponentChildren } from 'preact';
import type { Route } from '../state/route.ts';
import { routeUrl } from '../state/route.ts';
import { useAppState, useServices } from './context.ts';

export function AppLink(props: { to: Partial<Route>; children: ComponentChildren; class?: string; current?: boolean; label?: string }) {
  const { actions } = useServices();
  const state = useAppState();
  const route = { ...state.route, ...props.to };
  return (
    <a
      href={routeUrl(route)}
      class={props.class}
      aria-current={props.current ? 'page' : undefined}
      aria-label={props.label}
      onClick={(event) => {
        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
        event.preventDefault();
        actions.navigate(props.to);
      }}
    >
      {props.children}
    </a>
  );
}
