// A tar stream that cannot be read safely: damaged, truncated, lying about sizes, or naming
// something outside where it is being put. The message says what is wrong in the stream.
export class TarError extends Error {
  override name = 'TarError';
}
