// The contract between the page (or any client) and the server. See README.md.
export * from './download-outcome.ts';
export * from './frames.ts';
export * from './http.ts';
export * from './ids.ts';
export * from './namespace-key.ts';
export * from './socket-messages.ts';
export * from './terminal-states.ts';
export * from './token-fragment.ts';
export type * from './wire-types.ts';
export type * from './shares.ts';
export { SHARE_ROLES } from './shares.ts';
