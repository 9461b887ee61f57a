// The one shape check every request body starts with; apart so body parsers can share it without
// importing one another.

/** A JSON object (not null, not an array): what a body's fields are read from. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
