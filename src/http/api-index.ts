// GET /api/v1: what the API offers, for someone exploring it with curl (docs/api.md has the details).
export const API_INDEX = {
  service: 'pycron',
  docs: 'docs/api.md',
  openapi: '/api/v1/openapi.json',
  dashboard: '/',
  endpoints: [
    'GET /health',
    'GET /monitor',
    'GET /metrics',
    'GET /api/v1/jobs?recent=&name=',
    'GET /api/v1/jobs/{name}',
    'POST /api/v1/jobs/{name}/run',
    'POST /api/v1/jobs/{name}/pause',
    'POST /api/v1/jobs/{name}/resume',
    'GET /api/v1/diagnostics',
    'GET /api/v1/runs?job=&status=&since=&limit=',
    'GET /api/v1/runs/{run_id}',
    'GET /api/v1/events',
    'GET /api/v1/openapi.json',
    'GET|POST /{job}',
  ],
};
