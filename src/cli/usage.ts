// Bad command lines: a UsageError carries one line that says what is wrong; the entry prints it
// with the command's name and exits 2. Value checks share their wording here.

export class UsageError extends Error {}

/** A whole number within [min, max], or a UsageError naming the flag and what it takes. */
export function wholeNumber(flag: string, text: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const number = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(number) || number < min || number > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
    throw new UsageError(`${flag} takes a whole number ${range}, not "${text.slice(0, 40)}"`);
  }
  return number;
}

/** One of the listed words, or a UsageError listing them. */
export function oneOf<T extends string>(flag: string, text: string, choices: readonly T[]): T {
  if ((choices as readonly string[]).includes(text)) return text as T;
  throw new UsageError(`${flag} takes ${choices.join(', ')}, not "${text.slice(0, 40)}"`);
}
