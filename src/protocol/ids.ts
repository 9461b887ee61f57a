// The ids the server gives out (sessions t1, batches b1, requests r1) as they travel in frames,
// messages and URLs: one rule for all of them, checked on every way in.
export const MAX_ID_LENGTH = 64;
const ID = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * The lists look ids up in plain objects (the projections' byId, which snapshots carry as JSON),
 * where "constructor" or "toString" would find Object's own members: no id the server gives out is
 * one of those names, so none is taken from a client either.
 */
export function isId(value: unknown): value is string {
  return typeof value === 'string' && ID.test(value) && !(value in Object.prototype);
}
