import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** String equality whose time does not depend on where the strings differ, nor on their lengths. */
export const constantTimeEqual = (presented: string, expected: string): boolean =>
  timingSafeEqual(digest(presented), digest(expected));
