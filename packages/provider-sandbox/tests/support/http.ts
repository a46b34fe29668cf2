export interface JsonReply<T = unknown> {
  status: number;
  body: T;
}

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

/** A JSON request with the token, answered as status + parsed JSON. */
export const sendJson = async <T = Record<string, unknown>>(
  url: string,
  token: string,
  body: unknown,
  init: { method?: string; signal?: AbortSignal } = {},
): Promise<JsonReply<T>> => {
  const response = await fetch(url, {
    method: init.method ?? 'POST',
    headers: { ...bearer(token), 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...(init.signal === undefined ? {} : { signal: init.signal }),
  });
  return { status: response.status, body: (await response.json()) as T };
};

/** A multipart upload like the Cloud API docs' `curl -F`. */
export const uploadForm = async <T = Record<string, unknown>>(url: string, token: string, fields: Record<string, string | Blob>, filename = 'file.bin'): Promise<JsonReply<T>> => {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value === 'string') form.set(name, value);
    else form.set(name, value, filename);
  }
  const response = await fetch(url, { method: 'POST', headers: bearer(token), body: form });
  return { status: response.status, body: (await response.json()) as T };
};

/** Resolves when the promise settles with a rejection (a client-side timeout). */
export const rejection = async (promise: Promise<unknown>): Promise<unknown> => {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the request to fail');
};
