// The cluster's endpoints: CronQ's category API (GET, PUT, DELETE /api/v1/categories/NAME, and CronQ's own
// PUT /api/category/NAME) and GET /api/v1/cluster. Without cluster mode they answer 503 and say why.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PycronError } from '../errors.ts';
import { parseCategoryBody } from '../stored-jobs/parse-category-body.ts';
import { CATEGORY_EXPECTED, isCategoryName, storedJobName, type StoredJob } from '../stored-jobs/stored-job.ts';
import type { CategoryChange } from '../stored-jobs/stored-jobs-store.ts';
import type { HttpCluster, HttpStoredJobs } from './http-ports.ts';
import { sendJson } from './http-response.ts';
import { readBody } from './read-body.ts';
import { unlessDatabaseAway } from './unless-database-away.ts';

/** A category of 1,000 jobs with long commands needs more than the 64 KiB of other bodies. */
export const MAX_CATEGORY_BODY_BYTES = 1024 * 1024;
const MAX_FIRINGS = 200;

export interface CategoryRouteContext {
  storedJobs: HttpStoredJobs | undefined;
  cluster: HttpCluster | undefined;
  /** Throws the 401 or 403 a request that changes state deserves without the token. */
  authorize(req: IncomingMessage): void;
  bodyTimeoutMs: number;
}

type Handler = (req: IncomingMessage, res: ServerResponse, query: URLSearchParams) => Promise<void>;

const NEEDS_CLUSTER = 'needs cluster mode: set [Cluster] DATABASE_URL in config.ini (docs/cluster.md)';

/** The handler for `path`, or undefined when the path is not one of these. Throws 400, 405 as deserved. */
export function routeCategories(method: string, path: string, context: CategoryRouteContext): Handler | undefined {
  if (path === '/api/v1/cluster') {
    if (method !== 'GET' && method !== 'HEAD') throw notAllowed(path, 'GET', method);
    return async (_req, res, query) => {
      if (!context.cluster) throw unavailable('the cluster view');
      const job = query.get('job') ?? undefined;
      const limit = Math.min(MAX_FIRINGS, Math.max(1, Number(query.get('limit') ?? 50) || 50));
      const cluster = context.cluster;
      const view = await unlessDatabaseAway('the cluster view', () => cluster.view({ ...(job ? { job } : {}), limit }));
      sendJson(res, 200, view);
    };
  }
  if (path === '/api/v1/categories') {
    if (method !== 'GET' && method !== 'HEAD') throw notAllowed(path, 'GET', method);
    return async (_req, res) => {
      const stored = need(context.storedJobs);
      const categories = await unlessDatabaseAway('the categories', () => stored.categories());
      sendJson(res, 200, {
        categories: categories.map((c) => ({
          category: c.category,
          jobs: c.jobs,
          updated_at: new Date(c.updatedAt).toISOString(),
        })),
      });
    };
  }
  const prefix = ['/api/v1/categories/', '/api/category/'].find((p) => path.startsWith(p));
  if (!prefix) return undefined;
  const category = parseCategory(path.slice(prefix.length));
  if (method === 'GET' || method === 'HEAD')
    return async (_req, res) => {
      const stored = need(context.storedJobs);
      const jobs = await unlessDatabaseAway(`category '${category}'`, () => stored.category(category));
      if (jobs.length === 0)
        throw new PycronError('HTTP_NOT_FOUND', { reason: `no stored job is in category '${category}'` });
      sendJson(res, 200, { category, jobs: jobs.map(viewStoredJob) });
    };
  if (method === 'PUT' || method === 'DELETE')
    return async (req, res) => {
      context.authorize(req);
      const stored = need(context.storedJobs);
      const body = await readBody(req, MAX_CATEGORY_BODY_BYTES, context.bodyTimeoutMs);
      // NOTE: DELETE is a PUT of no jobs: the category's jobs are removed in one transaction.
      const jobs = method === 'PUT' ? parseCategoryBody(body, category) : [];
      const change = await unlessDatabaseAway(`category '${category}' was not changed`, () =>
        stored.replaceCategory(category, jobs),
      );
      sendJson(res, 200, viewChange(change));
    };
  throw notAllowed(path, 'GET, PUT or DELETE', method);
}

function parseCategory(encoded: string): string {
  let category = '';
  try {
    category = decodeURIComponent(encoded);
  } catch {
    // reported below
  }
  if (!isCategoryName(category))
    throw new PycronError('BAD_REQUEST', { reason: `expected ${CATEGORY_EXPECTED}, got ${JSON.stringify(category)}` });
  return category;
}

function viewStoredJob(job: StoredJob): Record<string, unknown> {
  return {
    name: job.name,
    job: storedJobName(job),
    schedule: job.schedule,
    command: job.command,
    routing_key: job.routingKey,
    options: job.options,
  };
}

function viewChange(change: CategoryChange): Record<string, unknown> {
  const { category, added, updated, removed, unchanged, revision } = change;
  return { category, added, updated, removed, unchanged, revision };
}

function need(stored: HttpStoredJobs | undefined): HttpStoredJobs {
  if (!stored) throw unavailable('stored jobs (categories)');
  return stored;
}

function unavailable(what: string): PycronError {
  return new PycronError('HTTP_UNAVAILABLE', { reason: `${what} ${NEEDS_CLUSTER}` });
}

function notAllowed(path: string, allowed: string, method: string): PycronError {
  return new PycronError('HTTP_METHOD_NOT_ALLOWED', { reason: `${path} takes ${allowed}, not ${method}` });
}
