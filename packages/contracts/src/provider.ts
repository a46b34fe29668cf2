import * as z from 'zod/mini';

export const Provider = z.enum(['meta', 'whapi']);
export type Provider = z.infer<typeof Provider>;
