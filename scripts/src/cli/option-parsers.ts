import { InvalidArgumentError } from 'commander';

/** commander option parser: a whole number above zero. */
export const positiveInt = (value: string): number => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) throw new InvalidArgumentError('a positive integer');
  return parsed;
};
