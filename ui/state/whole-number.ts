// A whole number typed in a dialog's field, checked as the server will check it.

/** The number `text` says, or undefined unless it is a whole number from min to max. */
export function wholeNumber(text: string, min: number, max: number): number | undefined {
  if (!/^\s*\d{1,6}\s*$/.test(text)) return undefined;
  const n = Number(text);
  return n >= min && n <= max ? n : undefined;
}
