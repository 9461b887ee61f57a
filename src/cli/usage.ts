// Bad command lines: one line that says what is wrong, exit status 2.

export class UsageError extends Error {}

export function positiveInteger(flag: string, value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(number) || number < 1) throw new UsageError(`${flag} takes a whole number of at least 1, not "${value}"`);
  return number;
}
