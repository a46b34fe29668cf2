import { z } from 'zod';

export const Provider = z.enum(['meta', 'whapi']);
export type Provider = z.infer<typeof Provider>;
