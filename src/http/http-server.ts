// The HTTP API on node:http: hoocron triggers (GET/POST /JOB), the REST API under /api/v1, Server-Sent Events,
// /health, /monitor and /metrics. Reading needs no token; every request that changes state needs the bearer token,
// and with no token configured such requests are refused. A bad request gets a JSON error; it never stops the service.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { TriggerOutcome } from '../dispatch/trigger-outcome.ts';
import { PycronError } from '../errors.ts';
import type { ServiceLogger } from '../log/service-logger.ts';
import { allowsAnonymousTrigger } from './allows-anonymous-trigger.ts';
import { asciiHeader } from './ascii-header.ts';
import { formatHostPort } from './format-host-port.ts';
import { checkBearer } from './check-bearer.ts';
import type { JobSpec } from '../jobs/job-spec.ts';
import { API_INDEX } from './api-index.ts';
import { openApiDocument } from './open-api-document.ts';
import { DashboardAssets } from './dashboard-assets.ts';
import { describeJob, RECENT_RUNS, viewDiagnostic, type JobView } from './describe-job.ts';
import { EventStream } from './event-stream.ts';
import { routeCategories, type CategoryRouteContext } from './category-routes.ts';
import { discardRest } from './discard-rest.ts';
import type { HttpCluster, HttpHistory, HttpMetrics, HttpService, HttpStoredJobs } from './http-ports.ts';
import { sendError, sendJson } from './http-response.ts';
import { monitorSnapshot } from './monitor-snapshot.ts';
import type { HttpListen } from './parse-http-listen.ts';
import { jobListJson } from './job-list-json.ts';
import { isAllowedHost } from './is-allowed-host.ts';
import { parseJobListQuery } from './parse-job-list-query.ts';
import { parseJobName } from './parse-job-name.ts';
import { parseRunQuery } from './parse-run-query.ts';
import { sendAsset } from './send-asset.ts';
import { parseTriggerBody } from './parse-trigger-body.ts';
import { MAX_BODY_BYTES, readBody } from './read-body.ts';
import type { TriggerStates } from '../triggers/trigger-states.ts';

export interface HttpServerOptions {
  service: HttpService;
  logger: ServiceLogger;
  listen: HttpListen;
  /** Undefined: no token configured, so every request that changes state is refused (403). */
  token?: string;
  history?: HttpHistory;
  metrics?: HttpMetrics;
  /** Cluster mode: the category API and GET /api/v1/cluster; undefined: they answer 503. */
  storedJobs?: HttpStoredJobs;
  cluster?: HttpCluster;
  /** The Redis and MQTT connections, for /health; undefined: both off. */
  triggers?: { states(): TriggerStates };
  /** SSE heartbeat comment interval (default 15 s). */
  heartbeatMs?: number;
  /** Time a request body may take to arrive (default 10 s). */
  bodyTimeoutMs?: number;
}

type Handler = (req: IncomingMessage, res: ServerResponse, query: URLSearchParams) => void | Promise<void>;

const RUN_ID = /^[A-Za-z0-9_.:-]{1,128}$/;
const JOB_ACTIONS = ['run', 'pause', 'resume'] as const;

export class HttpServer {
  private readonly options: HttpServerOptions;
  private readonly server: Server;
  private events: EventStream | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly assets = new DashboardAssets();

  constructor(options: HttpServerOptions) {
    this.options = options;
    this.server = createServer((req, res) => this.handle(req, res));
    // NOTE: requestTimeout bounds receiving a request, not answering it, so event streams stay open.
    this.server.requestTimeout = 30_000;
    this.server.headersTimeout = 10_000;
    this.server.keepAliveTimeout = 5_000;
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server.on('clientError', (error, socket) => {
      if (!socket.writable) return socket.destroy();
      const body = JSON.stringify({ error: { code: 'BAD_REQUEST', message: `bad HTTP request: ${error.message}` } });
      socket.end(
        `HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
    });
  }

  /** Listens; resolves with the address bound (port 0 picks a free one). Rejects with IO_FAILED if it cannot. */
  start(): Promise<{ host: string; port: number }> {
    const { host, port } = this.options.listen;
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void =>
        reject(
          new PycronError('IO_FAILED', {
            where: { section: 'HTTP', key: 'LISTEN' },
            reason: `the HTTP server cannot listen on ${formatHostPort(host, port)}: ${error.message}`,
            cause: error,
          }),
        );
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        this.server.on('error', (error) => this.options.logger.error(`HTTP server: ${error.message}`));
        this.events = new EventStream(this.options.service.events, { heartbeatMs: this.options.heartbeatMs });
        const address = this.server.address() as AddressInfo;
        this.options.logger.info(`HTTP API listening on http://${formatHostPort(address.address, address.port)}`, {
          token: this.options.token === undefined ? 'none (requests that change state are refused)' : 'set',
        });
        resolve({ host: address.address, port: address.port });
      });
    });
  }

  /** Ends event streams, stops listening and closes every connection. */
  async close(): Promise<void> {
    this.events?.close();
    this.events = undefined;
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  /** Connected event-stream clients (for tests and /health). */
  get eventClients(): number {
    return this.events?.clientCount ?? 0;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    // NOTE: not new URL(): it would resolve /../../etc/passwd to /etc/passwd; names are checked as sent.
    const target = req.url ?? '/';
    const queryAt = target.indexOf('?');
    const path = queryAt < 0 ? target : target.slice(0, queryAt);
    const query = new URLSearchParams(queryAt < 0 ? '' : target.slice(queryAt + 1));
    let handler: Handler;
    try {
      if (!path.startsWith('/')) throw new PycronError('BAD_REQUEST', { reason: 'the request target is not a path' });
      if (!isAllowedHost(req.headers.host, this.options.listen.host))
        throw new PycronError('HTTP_FORBIDDEN', {
          reason: `the Host '${String(req.headers.host).slice(0, 80)}' is not a loopback name: the API listens on loopback and answers only requests addressed to localhost, 127.0.0.1 or [::1] (a guard against DNS rebinding)`,
        });
      handler = this.route(req.method ?? 'GET', path);
    } catch (error) {
      return this.fail(req, res, error);
    }
    Promise.resolve()
      .then(() => handler(req, res, query))
      .catch((error: unknown) => this.fail(req, res, error));
  }

  private fail(req: IncomingMessage, res: ServerResponse, error: unknown): void {
    if (!(error instanceof PycronError) || error.code === 'INTERNAL')
      this.options.logger.error(`HTTP ${req.method} ${req.url}: ${String(error)}`);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (!req.complete) {
      // The body was not read (refused before, or too large): answer, close, and drop what is left of it.
      sendError(res, error, { connection: 'close' });
      discardRest(req);
      return;
    }
    sendError(res, error);
  }

  /** Picks the handler for a method and path; throws the 404 or 405 the request deserves. */
  private route(method: string, path: string): Handler {
    const only = (allowed: string, handler: Handler): Handler => {
      // HEAD is a GET without the body (node leaves it out): uptime monitors use it. Never on a trigger or a stream.
      if (method === allowed || (method === 'HEAD' && allowed === 'GET' && path !== '/api/v1/events')) return handler;
      throw new PycronError('HTTP_METHOD_NOT_ALLOWED', { reason: `${path} takes ${allowed}, not ${method}` });
    };
    if (path === '/health') return only('GET', (_req, res) => this.health(res));
    if (path === '/monitor') return only('GET', (_req, res) => sendJson(res, 200, monitorSnapshot()));
    if (path === '/metrics') return only('GET', (_req, res) => this.metrics(res));
    if (path === '/') return only('GET', (req, res) => sendAsset(req, res, this.assets.get('index.html')));
    // NOTE: /ui/FILE is never a job: a job name with a slash is a PyCron path such as 5min/report.sh.
    if (path.startsWith('/ui/')) return only('GET', (req, res) => sendAsset(req, res, this.assets.get(path.slice(4))));
    if (path === '/api/v1') return only('GET', (_req, res) => sendJson(res, 200, API_INDEX));
    if (path === '/api/v1/openapi.json') return only('GET', (req, res) => sendAsset(req, res, openApiDocument()));
    if (path === '/api/v1/jobs') return only('GET', (_req, res, query) => this.listJobs(res, query));
    if (path === '/api/v1/diagnostics')
      return only('GET', (_req, res) =>
        sendJson(res, 200, { diagnostics: this.options.service.catalog.diagnostics.map(viewDiagnostic) }),
      );
    if (path === '/api/v1/events') return only('GET', (_req, res) => this.streamEvents(res));
    if (path === '/api/v1/runs') return only('GET', (_req, res, query) => this.listRuns(res, query));
    if (path.startsWith('/api/v1/runs/'))
      return only('GET', (_req, res) => this.getRun(res, path.slice('/api/v1/runs/'.length)));
    if (path.startsWith('/api/v1/jobs/')) {
      const rest = path.slice('/api/v1/jobs/'.length);
      const slash = rest.lastIndexOf('/');
      const action = JOB_ACTIONS.find((a) => a === rest.slice(slash + 1));
      if (method === 'POST' && slash > 0 && action) {
        const name = parseJobName(rest.slice(0, slash));
        return (req, res) => this.jobAction(req, res, name, action);
      }
      const name = parseJobName(rest);
      // GET .../NAME/run is a job named NAME/run (a PyCron path) if there is one, else the action with a wrong method.
      if (action && slash > 0 && (method !== 'GET' || !this.options.service.catalog.get(name)))
        throw new PycronError('HTTP_METHOD_NOT_ALLOWED', { reason: `${path} takes POST, not ${method}` });
      return only('GET', (_req, res) => sendJson(res, 200, this.describe(this.job(name))));
    }
    const clusterRoute = routeCategories(method, path, this.categoryContext);
    if (clusterRoute) return clusterRoute;
    if (path === '/api' || path.startsWith('/api/'))
      throw new PycronError('HTTP_NOT_FOUND', { reason: `no endpoint ${path} (see docs/api.md)` });
    if (method !== 'GET' && method !== 'POST')
      throw new PycronError('HTTP_METHOD_NOT_ALLOWED', {
        reason: `a hoocron trigger takes GET or POST, not ${method}`,
      });
    const name = parseJobName(path.slice(1));
    return (req, res) => this.hoocronTrigger(req, res, name, method);
  }

  private get categoryContext(): CategoryRouteContext {
    const { storedJobs, cluster, bodyTimeoutMs = 10_000 } = this.options;
    return { storedJobs, cluster, authorize: (req) => this.authorize(req), bodyTimeoutMs };
  }

  /** Throws the 401 or 403 a request that changes state deserves when it lacks the token. */
  private authorize(req: IncomingMessage): void {
    const { token } = this.options;
    if (token === undefined)
      throw new PycronError('HTTP_FORBIDDEN', {
        reason:
          'requests that change state are refused: no token is configured; set [HTTP] TOKEN or TOKEN_FILE in config.ini',
      });
    const check = checkBearer(req.headers.authorization, token);
    if (check === 'missing')
      throw new PycronError('HTTP_UNAUTHORIZED', {
        reason: 'this request needs the header Authorization: Bearer TOKEN',
      });
    if (check === 'wrong') throw new PycronError('HTTP_UNAUTHORIZED', { reason: 'the token is wrong' });
  }

  /** `recent`: how many of its last runs to include (the job's own endpoint shows RECENT_RUNS). */
  private describe(job: JobSpec, recent = RECENT_RUNS): JobView {
    const history = this.options.history;
    const recentRuns = history && recent > 0 ? (name: string) => history.recent(name, recent) : undefined;
    return describeJob(this.options.service, job, recentRuns);
  }

  private job(name: string) {
    const job = this.options.service.catalog.get(name);
    if (!job) throw new PycronError('JOB_NOT_FOUND', { reason: `no job named '${name}'` });
    return job;
  }

  private async hoocronTrigger(req: IncomingMessage, res: ServerResponse, name: string, method: string): Promise<void> {
    // NOTE: an unknown job asks for the token too, so that names cannot be probed without it.
    const known = this.options.service.catalog.get(name);
    const anonymous =
      known?.options.httpTriggerAuth === 'none' && allowsAnonymousTrigger(req, this.options.listen.host);
    if (!anonymous) this.authorize(req);
    const job = this.job(name);
    const allowed = job.options.httpTrigger;
    if (allowed === 'none')
      throw new PycronError('HTTP_NOT_FOUND', {
        reason: `job '${name}' does not accept HTTP triggers (set http_trigger = get, post or both in its job.ini)`,
      });
    const wanted = method === 'GET' ? 'get' : 'post';
    if (allowed !== 'both' && allowed !== wanted)
      throw new PycronError('HTTP_METHOD_NOT_ALLOWED', {
        reason: `job '${name}' takes HTTP ${allowed.toUpperCase()} triggers, not ${method} (http_trigger = ${allowed})`,
      });
    const body = await readBody(req, MAX_BODY_BYTES, this.options.bodyTimeoutMs ?? 10_000);
    // NOTE: hoocron's clients POST forms or nothing; only a JSON body carries arguments.
    const isJson = /^application\/json\b/i.test(req.headers['content-type'] ?? '');
    const args = method === 'POST' && isJson ? parseTriggerBody(body) : [];
    const source = sourceOf(req);
    const outcome = this.options.service.trigger(name, args, source);
    this.options.logger.info(`HTTP ${method} trigger of ${name}: ${outcome.kind}: ${outcome.message}`);
    const text = 'OK';
    res.writeHead(200, {
      'content-type': 'text/plain; charset=utf-8',
      'content-length': Buffer.byteLength(text),
      'cache-control': 'no-store',
      'x-pycron-outcome': outcomeName(outcome),
      'x-pycron-message': asciiHeader(outcome.message),
      ...(outcome.runId ? { 'x-pycron-run-id': outcome.runId } : {}),
    });
    res.end(text);
  }

  private async jobAction(
    req: IncomingMessage,
    res: ServerResponse,
    name: string,
    action: (typeof JOB_ACTIONS)[number],
  ): Promise<void> {
    this.authorize(req);
    const job = this.job(name);
    const body = await readBody(req, MAX_BODY_BYTES, this.options.bodyTimeoutMs ?? 10_000);
    const { service } = this.options;
    if (action === 'run') {
      const args = parseTriggerBody(body);
      const source = sourceOf(req);
      const outcome = service.runNow(job.name, args, source);
      this.options.logger.info(`HTTP run of ${name}: ${outcome.kind}: ${outcome.message}`);
      sendJson(res, 200, {
        job: job.name,
        outcome: outcomeName(outcome),
        message: outcome.message,
        run_id: outcome.runId ?? null,
      });
      return;
    }
    // NOTE: pause and resume take no body; one sent is read (within the limit) and ignored.
    if (action === 'pause') service.pause(job.name);
    else service.resume(job.name);
    sendJson(res, 200, this.describe(job));
  }

  private health(res: ServerResponse): void {
    sendJson(res, 200, {
      status: 'ok',
      jobs: this.options.service.catalog.count,
      uptime_s: Math.round(process.uptime()),
      triggers: this.options.triggers?.states() ?? { redis: 'off', mqtt: 'off' },
      cluster: this.options.cluster ? { instance_id: this.options.cluster.instanceId } : null,
    });
  }

  private async listJobs(res: ServerResponse, params: URLSearchParams): Promise<void> {
    const { service } = this.options;
    const query = parseJobListQuery(params);
    // catalog.jobs comes sorted by name; jobs asked for by name are put in the same order.
    const chosen = query.names
      ? query.names
          .map((name) => service.catalog.get(name))
          .filter((job) => job !== undefined)
          .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      : service.catalog.jobs;
    const diagnostics = service.catalog.diagnostics.map(viewDiagnostic);
    const text = await jobListJson(chosen, (job) => this.describe(job, query.recent), diagnostics);
    if (res.destroyed) return;
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
      'cache-control': 'no-store',
    });
    res.end(text);
  }

  private streamEvents(res: ServerResponse): void {
    if (!this.events) throw new PycronError('HTTP_UNAVAILABLE', { reason: 'the HTTP server is stopping' });
    this.events.add(res);
  }

  private async listRuns(res: ServerResponse, query: URLSearchParams): Promise<void> {
    const history = this.options.history;
    if (!history) throw unavailable('run history');
    const runs = await history.query(parseRunQuery(query));
    sendJson(res, 200, { runs });
  }

  private async getRun(res: ServerResponse, encoded: string): Promise<void> {
    const history = this.options.history;
    if (!history) throw unavailable('run history');
    let id: string;
    try {
      id = decodeURIComponent(encoded);
    } catch {
      id = '';
    }
    if (!RUN_ID.test(id))
      throw new PycronError('BAD_REQUEST', { reason: 'expected a run id (letters, digits, - _ . :, at most 128)' });
    const run = await history.get(id);
    if (run === undefined || run === null) throw new PycronError('HTTP_NOT_FOUND', { reason: `no run '${id}'` });
    sendJson(res, 200, run);
  }

  private async metrics(res: ServerResponse): Promise<void> {
    const metrics = this.options.metrics;
    if (!metrics) throw unavailable('metrics');
    const text = await metrics.render();
    res.writeHead(200, {
      'content-type': metrics.contentType,
      'content-length': Buffer.byteLength(text),
      'cache-control': 'no-store',
    });
    res.end(text);
  }
}

function unavailable(what: string): PycronError {
  return new PycronError('HTTP_UNAVAILABLE', { reason: `${what} is not available in this service` });
}

/** The outcome as the API names it: a refused trigger is `ignored`, as hoocron says. */
function outcomeName(outcome: TriggerOutcome): string {
  return outcome.kind === 'refused' ? 'ignored' : outcome.kind;
}

function sourceOf(req: IncomingMessage): string {
  const address = (req.socket.remoteAddress ?? 'unknown').replace(/^::ffff:/, '');
  return `http ${address}`;
}
