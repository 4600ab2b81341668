// Calls to the Shelfwatch API with the token the operator pasted. The token lives in this tab's
// sessionStorage only (gone when the tab closes) and is sent as a bearer token; nothing else of
// it is kept. URLs are relative to the page, so the page works wherever the API is mounted.

const TOKEN_KEY = 'shelfwatch.token';

export const token = {
  /** @returns {string | null} */
  get: () => sessionStorage.getItem(TOKEN_KEY),
  /** @param {string} value */
  set: (value) => sessionStorage.setItem(TOKEN_KEY, value),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

/** A refusal from the API: the status and its `{ error: { code, message, issues } }` body. */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {{ error?: { code?: string, message?: string } } | null} body
   */
  constructor(status, body) {
    super(body?.error?.message ?? `the API answered ${status}`);
    this.status = status;
    this.code = body?.error?.code ?? `HTTP_${status}`;
  }
}

/**
 * @param {'GET' | 'POST' | 'DELETE'} method
 * @param {string} path relative, e.g. `runs?status=FAILED`
 * @param {unknown} [body]
 * @returns {Promise<any>}
 */
export async function call(method, path, body) {
  /** @type {Record<string, string>} */
  const headers = { authorization: `Bearer ${token.get() ?? ''}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(new URL(path, document.baseURI), {
    method,
    headers,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const answer = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, answer);
  return answer;
}

/** @param {string} id */
export const segment = (id) => encodeURIComponent(id);
