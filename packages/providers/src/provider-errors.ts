import { isJsonObject } from './json-body';
import type { ProviderErrorV1 } from '@wagw/contracts';


const optionalString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * Provider error objects (`{code, title, message, error_data: {details}}` from Meta, `{code, title?,
 * message?, details?}` from Whapi) as the receipt contract holds them: code as a string. Anything that
 * is not an array of objects gives [].
 */
export const toProviderErrors = (errors: unknown): ProviderErrorV1[] => {
  if (!Array.isArray(errors)) return [];
  return errors.filter(isJsonObject).map((error) => {
    const code = typeof error.code === 'number' || typeof error.code === 'string' ? String(error.code) : 'UNKNOWN';
    const details = optionalString(isJsonObject(error.error_data) ? error.error_data.details : undefined) ?? optionalString(error.details);
    const mapped: ProviderErrorV1 = { code };
    const title = optionalString(error.title);
    const message = optionalString(error.message);
    if (title !== undefined) mapped.title = title;
    if (message !== undefined) mapped.message = message;
    if (details !== undefined) mapped.details = details;
    return mapped;
  });
};
