// Calls to the service's JSON API. An error answer ({ error: { code, message } }) becomes an ApiError that keeps
// the status, the code and the service's own sentence, which the dashboard shows as it is.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** `token`: sent as Authorization: Bearer; `body`: sent as JSON. Resolves with the parsed JSON answer. */
export async function api(path, { method = 'GET', body, token, signal } = {}) {
  // NOTE: no extra headers on a plain GET, so that GET /api/v1/jobs can use the page's preload of it.
  const headers = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    throw new ApiError(0, 'UNREACHABLE', 'The pycron service cannot be reached.');
  }
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const problem = data?.error ?? {};
    throw new ApiError(
      response.status,
      problem.code ?? `HTTP_${response.status}`,
      problem.message ?? response.statusText,
    );
  }
  return data;
}

/** A job's path segment: names of the PyCron layout hold slashes (5min/report.sh), sent encoded. */
export function jobPath(name) {
  return `/api/v1/jobs/${encodeURIComponent(name)}`;
}
