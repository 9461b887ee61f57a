// Octant's component JSON, the few kinds the Exec tab uses (shapes from Octant 0.25's
// pkg/view/component: flexlayout, iframe, buttonGroup, button, text).
// ES5 only: this file is bundled into a plugin that Octant runs in goja.

export interface Component<Config> {
  metadata: { type: string; title?: Component<{ value: string }>[] };
  config: Config;
}

export interface ButtonConfig {
  name: string;
  payload: Record<string, string>;
  confirmation?: { title: string; body: string };
}

export interface FlexLayoutConfig {
  sections: { width: number; view: Component<unknown> }[][];
  buttonGroup?: Component<{ buttons: Component<ButtonConfig>[] }>;
}

/** Octant's grid is 24 columns wide. */
export var fullWidth = 24;

export function text(value: string): Component<{ value: string }> {
  return { metadata: { type: 'text' }, config: { value: value } };
}

export function iframe(url: string, title: string): Component<{ url: string; title: string }> {
  return { metadata: { type: 'iframe' }, config: { url: url, title: title } };
}

export function button(name: string, payload: Record<string, string>): Component<ButtonConfig> {
  return { metadata: { type: 'button' }, config: { name: name, payload: payload } };
}

export function flexLayout(title: string, views: Component<unknown>[], buttons: Component<ButtonConfig>[]): Component<FlexLayoutConfig> {
  var config: FlexLayoutConfig = {
    sections: views.map(function (view) {
      return [{ width: fullWidth, view: view }];
    }),
  };
  if (buttons.length) config.buttonGroup = { metadata: { type: 'buttonGroup' }, config: { buttons: buttons } };
  return { metadata: { type: 'flexlayout', title: [text(title)] }, config: config };
}
