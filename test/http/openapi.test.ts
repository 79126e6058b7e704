// src/http/openapi.json held against the code: every endpoint of API_INDEX and nothing else, every path named in
// docs/api.md, every $ref resolving, and the real answers of a running service fitting what the document says.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ERROR_CODES } from '../../src/errors.ts';
import { RunHistory } from '../../src/history/run-history.ts';
import { API_INDEX } from '../../src/http/api-index.ts';
import { ServiceMetrics } from '../../src/metrics/service-metrics.ts';
import { historyForHttp } from '../../src/service/history-for-http.ts';
import { writeScript } from '../support/service-folder.ts';
import { within } from '../support/within.ts';
import { checkSchema, resolveRef } from './check-schema.ts';
import { call, startHarness, TOKEN, writeIniJob, type Answer, type Harness } from './http-harness.ts';

type Json = Record<string, unknown>;

interface Operation {
  operationId: string;
  security?: Json[];
  parameters?: (Parameter | { $ref: string })[];
  requestBody?: Json;
  responses: Record<string, Json>;
}

interface OpenApiDocument {
  openapi: string;
  info: { version: string };
  servers: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Json> };
}

interface Parameter {
  name: string;
  in: string;
}

/** One endpoint the service serves, as API_INDEX lists it ('GET|POST /{job}', 'GET /api/v1/runs?job=&limit='). */
interface Endpoint {
  methods: string[];
  path: string;
  query: string[];
  /** The path with its query, as written in API_INDEX. */
  target: string;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const documentText = readFileSync(new URL('../../src/http/openapi.json', import.meta.url), 'utf8');
const apiDocs = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');
const packageVersion = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

function openApi(): OpenApiDocument {
  return JSON.parse(documentText) as OpenApiDocument;
}

function parseEndpoint(entry: string): Endpoint {
  const match = /^([A-Z]+(?:\|[A-Z]+)*) (\/[^?\s]*)(?:\?(\S+))?$/.exec(entry);
  assert.ok(match, `API_INDEX entry '${entry}' is not 'METHOD[|METHOD] PATH[?query]'`);
  const [, methods = '', path = '', query] = match;
  const names = query === undefined ? [] : query.split('&').map((part) => part.replace(/=$/, ''));
  return { methods: methods.split('|'), path, query: names, target: query === undefined ? path : `${path}?${query}` };
}

/** Everything the service serves: API_INDEX's endpoints, plus GET /api/v1 (API_INDEX itself) and its dashboard. */
function servedEndpoints(): Endpoint[] {
  return [
    ...API_INDEX.endpoints.map(parseEndpoint),
    { methods: ['GET'], path: '/api/v1', query: [], target: '/api/v1' },
    { methods: ['GET'], path: API_INDEX.dashboard, query: [], target: API_INDEX.dashboard },
  ];
}

function operations(document: OpenApiDocument): { path: string; method: string; operation: Operation }[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => HTTP_METHODS.includes(method))
      .map(([method, operation]) => ({ path, method, operation })),
  );
}

function deref<T>(document: OpenApiDocument, value: T | { $ref: string }): T {
  return typeof value === 'object' && value !== null && '$ref' in value
    ? (resolveRef(document, value.$ref) as T)
    : (value as T);
}

function parametersOf(document: OpenApiDocument, operation: Operation): Parameter[] {
  return (operation.parameters ?? []).map((p) => deref<Parameter>(document, p));
}

/** Every string under a `$ref` key, with where it is. */
function refsIn(value: unknown, at = '$'): { at: string; ref: string }[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => refsIn(item, `${at}[${index}]`));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) =>
    key === '$ref' && typeof item === 'string' ? [{ at, ref: item }] : refsIn(item, `${at}.${key}`),
  );
}

/** A request changes state when it is a POST, PUT or DELETE, or a hoocron trigger (docs/api.md, Tokens). */
function changesState(path: string, method: string): boolean {
  return method === 'post' || method === 'put' || method === 'delete' || path === '/{job}';
}

describe('src/http/openapi.json', () => {
  it('parses as JSON and is an OpenAPI 3.1 document of this version of pycron', () => {
    const document = openApi();
    assert.match(document.openapi, /^3\.1\.\d+$/);
    assert.equal(document.info.version, packageVersion);
    assert.deepEqual(
      document.servers.map((server) => server.url),
      ['http://127.0.0.1:5152'],
    );
  });

  it('describes every method and path of API_INDEX, with the query parameters it lists', () => {
    const document = openApi();
    for (const endpoint of servedEndpoints()) {
      const item = document.paths[endpoint.path];
      assert.ok(item, `${endpoint.target} is not in paths`);
      for (const method of endpoint.methods) {
        const operation: Operation | undefined = item[method.toLowerCase()];
        assert.ok(operation, `${method} ${endpoint.path} is not in paths`);
        const query: Parameter[] = parametersOf(document, operation).filter((p) => p.in === 'query');
        assert.deepEqual(
          query.map((p) => p.name).sort(),
          [...endpoint.query].sort(),
          `query parameters of ${method} ${endpoint.path}`,
        );
      }
    }
  });

  it('describes nothing the service does not serve', () => {
    const served = new Set(servedEndpoints().flatMap((e) => e.methods.map((m) => `${m.toLowerCase()} ${e.path}`)));
    const stale = operations(openApi())
      .map(({ path, method }) => `${method} ${path}`)
      .filter((key) => !served.has(key));
    assert.deepEqual(stale, []);
  });

  it('describes only endpoints that docs/api.md names', () => {
    // NOTE: docs/api.md writes the hoocron trigger as hoocron's README does: `GET /JOB`, not `GET /{job}`.
    const missing = servedEndpoints()
      .flatMap((e) => e.methods.map((m) => `\`${m} ${e.target.replace('/{job}', '/JOB')}\``))
      .filter((mention) => !apiDocs.includes(mention));
    assert.deepEqual(missing, []);
  });

  it('resolves every $ref', () => {
    const document = openApi();
    const refs = refsIn(document);
    assert.ok(refs.length > 30, `only ${refs.length} $refs: is the document complete?`);
    const broken = refs.filter(({ ref }) => {
      try {
        const target = resolveRef(document, ref);
        return typeof target !== 'object' || target === null;
      } catch {
        return true;
      }
    });
    assert.deepEqual(broken, []);
  });

  it('declares each path parameter of a path, and no other', () => {
    const document = openApi();
    for (const { path, method, operation } of operations(document)) {
      const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      const declared = parametersOf(document, operation).filter((p) => p.in === 'path');
      assert.deepEqual(
        declared.map((p) => p.name),
        inPath,
        `${method} ${path}`,
      );
    }
  });

  it('gives every operation a unique operationId', () => {
    const ids = operations(openApi()).map(({ operation }) => operation.operationId);
    assert.equal(ids.filter((id) => typeof id === 'string').length, ids.length);
    assert.equal(new Set(ids).size, ids.length);
  });

  it('lists the error codes of src/errors.ts, and error answers only with statuses of those codes', () => {
    const document = openApi();
    assert.deepEqual(document.components.schemas.ErrorCode?.enum, Object.keys(ERROR_CODES));
    const statuses = new Set(Object.values(ERROR_CODES).map((code) => String(code.http)));
    for (const { path, method, operation } of operations(document)) {
      for (const [status, answer] of Object.entries(operation.responses)) {
        if (Number(status) < 400) continue;
        assert.ok(statuses.has(status), `${method} ${path}: no error code has the HTTP status ${status}`);
        const content = deref(document, answer).content as Json;
        assert.deepEqual(
          (content['application/json'] as Json).schema,
          { $ref: '#/components/schemas/Error' },
          `${method} ${path} ${status}`,
        );
      }
    }
  });

  it('asks for the bearer token, and documents 401 and 403, exactly where a request changes state', () => {
    const document = openApi();
    const schemes = (document.components as { securitySchemes?: Record<string, Json> }).securitySchemes;
    assert.deepEqual(Object.keys(schemes ?? {}), ['bearer']);
    assert.equal(schemes?.bearer?.type, 'http');
    assert.equal(schemes?.bearer?.scheme, 'bearer');
    for (const { path, method, operation } of operations(document)) {
      const where = `${method} ${path}`;
      if (changesState(path, method)) {
        assert.deepEqual(operation.security, [{ bearer: [] }], where);
        assert.ok(operation.responses['401'] && operation.responses['403'], `${where}: 401 and 403`);
      } else {
        assert.equal(operation.security, undefined, where);
        assert.equal(operation.responses['401'] ?? operation.responses['403'], undefined, where);
      }
    }
  });
});

describe('checkSchema', () => {
  const document = openApi();
  const health = { $ref: '#/components/schemas/Health' };

  it('accepts a value that fits, null where a type list allows it, and resolves $ref', () => {
    const triggers = { redis: 'connected', mqtt: 'off' };
    assert.deepEqual(
      checkSchema({ status: 'ok', jobs: 3, uptime_s: 7, triggers, cluster: null }, health, document),
      [],
    );
    assert.deepEqual(checkSchema(null, { type: ['object', 'null'], required: ['x'] }, document), []);
  });

  it('says which property is missing, has the wrong type, is outside its enum, or is not in the document', () => {
    assert.deepEqual(checkSchema({ status: 'fine', uptime_s: 1.5, extra: true }, health, document), [
      "$: missing required property 'jobs'",
      "$: missing required property 'triggers'",
      "$: missing required property 'cluster'",
      '$.status: expected "ok", got string "fine"',
      '$.uptime_s: expected integer, got number 1.5',
      "$: property 'extra' is not in the document",
    ]);
    const recent = { $ref: '#/components/schemas/RecentRun' };
    const run = { run_id: 'r', status: 'lost', duration_ms: 1, ended_at: '2026-11-23T00:00:00.000Z' };
    assert.deepEqual(checkSchema([run], { type: 'array', items: recent }, document), [
      '$[0].status: expected one of ["ok","failed","timed_out"], got string "lost"',
    ]);
  });

  it('takes the properties of every allOf branch as named, and wants exactly one oneOf branch to fit', () => {
    const both = { allOf: [{ properties: { a: { type: 'string' } } }, { properties: { b: { type: 'integer' } } }] };
    assert.deepEqual(checkSchema({ a: 'x', b: 1 }, both, document), []);
    assert.deepEqual(checkSchema({ a: 'x', c: 1 }, both, document), ["$: property 'c' is not in the document"]);
    const either = { oneOf: [{ type: 'string' }, { type: 'integer' }] };
    assert.deepEqual(checkSchema(1, either, document), []);
    assert.deepEqual(checkSchema(true, either, document), [
      '$: expected to fit exactly one of 2 schemas (oneOf), fits 0: $: expected string, got boolean true | $: expected integer, got boolean true',
    ]);
  });

  it('throws on a keyword it does not check, and on a $ref that points nowhere', () => {
    assert.throws(() => checkSchema(1, { anyOf: [] }, document), /the checker does not know the keyword 'anyOf'/);
    assert.throws(
      () => checkSchema(1, { $ref: '#/components/schemas/Nothing' }, document),
      /'Nothing' is not in the document/,
    );
  });
});

describe('src/http/openapi.json against a running service', () => {
  const document = openApi();
  let h: Harness;
  let history: RunHistory;
  let metrics: ServiceMetrics;
  /** A server with the run history and metrics, as the service wires them (the harness's own has neither). */
  let port: number;
  let runAnswer: Answer;

  before(async () => {
    h = await startHarness((f) => {
      writeIniJob(f.jobs, 'hook', 'schedule = 0 * * * *\nhttp_trigger = both\ntitle = Hook', 'echo "hook $*"');
      writeIniJob(f.jobs, 'worker', 'type = proc', 'exec sleep 600');
      writeScript(join(f.jobs, '5min', 'report.sh'), 'echo report');
      mkdirSync(join(f.jobs, 'broken'));
      writeFileSync(join(f.jobs, 'broken', 'schedule'), '61 * * * *\n');
    });
    const { service } = h;
    history = new RunHistory({ logsFolder: service.settings.logsFolder, retentionDays: 0, events: service.events });
    await history.ready;
    metrics = new ServiceMetrics({
      events: service.events,
      jobNames: () => service.catalog.jobs.map((job) => job.name),
      nextRunOf: (job) => service.scheduler.nextAt(job),
      jobsFolder: service.settings.jobsFolder,
      processMetrics: false,
    });
    port = await h.extraServer({
      history: historyForHttp(history),
      metrics: { contentType: metrics.contentType, render: () => metrics.render() },
    });
    const finished = service.events.once('run:finished', ({ firing }) => firing.job === 'hook');
    runAnswer = await call(port, 'POST', '/api/v1/jobs/hook/run', {
      token: TOKEN,
      body: JSON.stringify({ args: ['--full'] }),
    });
    await within(finished, 15_000, `run:finished of hook (POST /api/v1/jobs/hook/run answered ${runAnswer.status})`);
  });
  after(async () => {
    metrics.close();
    await history.close();
    await h.close();
  });

  /** Asserts that the answer's status, media type, headers and JSON body are what `method path` documents. */
  function assertDocumented(answer: Answer, method: string, path: string): void {
    const where = `${method} ${path} ${answer.status}`;
    const operation = document.paths[path]?.[method.toLowerCase()];
    assert.ok(operation, `${method} ${path} is not in the document`);
    const documented = operation.responses[String(answer.status)];
    assert.ok(documented, `${where}: the status is not documented (${answer.text.slice(0, 200)})`);
    const response = deref(document, documented) as {
      content?: Record<string, { schema: unknown }>;
      headers?: Record<string, { required?: boolean; schema: unknown }>;
    };
    for (const [name, header] of Object.entries(response.headers ?? {})) {
      const value = answer.headers[name.toLowerCase()];
      if (value === undefined) {
        assert.ok(!header.required, `${where}: the required header ${name} is missing`);
        continue;
      }
      assert.deepEqual(checkSchema(value, header.schema, document), [], `${where}: header ${name}`);
    }
    const contentType = String(answer.headers['content-type']);
    const essence = (type: string) => type.split(';')[0]?.trim().toLowerCase();
    const media = Object.keys(response.content ?? {}).find((key) => essence(key) === essence(contentType));
    assert.ok(media, `${where}: ${contentType} is not documented`);
    if (essence(media) === 'application/json') {
      const problems = checkSchema(answer.json(), response.content?.[media]?.schema, document);
      assert.deepEqual(problems, [], `${where}: the answer does not fit the document`);
    } else {
      assert.deepEqual(checkSchema(answer.text, response.content?.[media]?.schema, document), [], where);
    }
  }

  it('serves src/http/openapi.json as it is at GET /api/v1/openapi.json', async () => {
    const answer = await call(h.port, 'GET', '/api/v1/openapi.json');
    assert.equal(answer.status, 200);
    assert.equal(answer.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(answer.text, documentText);
    assertDocumented(answer, 'GET', '/api/v1/openapi.json');
    const again = await call(h.port, 'GET', '/api/v1/openapi.json', {
      headers: { 'if-none-match': String(answer.headers.etag) },
    });
    assert.equal(again.status, 304);
  });

  it('GET /api/v1/jobs: every kind of job, with its recent runs, fits Job', async () => {
    const answer = await call(port, 'GET', '/api/v1/jobs?recent=5');
    assert.equal(answer.status, 200);
    assertDocumented(answer, 'GET', '/api/v1/jobs');
    const { jobs, diagnostics } = answer.json();
    const hook = jobs.find((job: { name: string }) => job.name === 'hook');
    const worker = jobs.find((job: { name: string }) => job.name === 'worker');
    // The nullable and list fields were checked filled in, not only empty.
    assert.deepEqual(
      jobs.map((job: { name: string }) => job.name),
      ['5min/report.sh', 'hook', 'worker'],
    );
    assert.notEqual(hook.last_result, null);
    assert.ok(hook.recent_runs.length >= 1);
    assert.equal(hook.next_runs.length, 3);
    assert.notEqual(worker.proc, null);
    assert.ok(diagnostics.length > 0);
  });

  it('GET /api/v1/jobs/{name} fits Job, for a folder job and a PyCron-layout job', async () => {
    assertDocumented(await call(port, 'GET', '/api/v1/jobs/hook'), 'GET', '/api/v1/jobs/{name}');
    const pycron = await call(port, 'GET', '/api/v1/jobs/5min/report.sh');
    assert.equal(pycron.json().layout, 'pycron');
    assertDocumented(pycron, 'GET', '/api/v1/jobs/{name}');
  });

  it('GET /health and GET /monitor fit Health and Monitor', async () => {
    assertDocumented(await call(h.port, 'GET', '/health'), 'GET', '/health');
    assertDocumented(await call(h.port, 'GET', '/monitor'), 'GET', '/monitor');
  });

  it('POST /api/v1/jobs/{name}/run, /pause and /resume answer as documented', async () => {
    assert.equal(runAnswer.json().outcome, 'started');
    assertDocumented(runAnswer, 'POST', '/api/v1/jobs/{name}/run');
    const paused = await call(port, 'POST', '/api/v1/jobs/5min%2Freport.sh/pause', { token: TOKEN });
    assert.equal(paused.json().paused, true);
    assertDocumented(paused, 'POST', '/api/v1/jobs/{name}/pause');
    const resumed = await call(port, 'POST', '/api/v1/jobs/5min%2Freport.sh/resume', { token: TOKEN });
    assertDocumented(resumed, 'POST', '/api/v1/jobs/{name}/resume');
  });

  it('GET /api/v1/runs fits RunEntry and GET /api/v1/runs/{run_id} fits StatusRecord', async () => {
    const runs = await call(port, 'GET', '/api/v1/runs?job=hook&status=ok&limit=10');
    assertDocumented(runs, 'GET', '/api/v1/runs');
    assert.ok(runs.json().runs.length >= 1);
    const run = await call(port, 'GET', `/api/v1/runs/${runAnswer.json().run_id}`);
    assertDocumented(run, 'GET', '/api/v1/runs/{run_id}');
    const record = run.json();
    assert.deepEqual(record.args, ['--full']);
    assert.deepEqual(checkSchema(record, { $ref: '#/components/schemas/StatusRecord' }, document), []);
  });

  it('GET /api/v1/diagnostics, GET /api/v1 and GET /metrics answer as documented', async () => {
    assertDocumented(await call(port, 'GET', '/api/v1/diagnostics'), 'GET', '/api/v1/diagnostics');
    assertDocumented(await call(port, 'GET', '/api/v1'), 'GET', '/api/v1');
    const scrape = await call(port, 'GET', '/metrics');
    assert.match(scrape.text, /^pycron_/m);
    assertDocumented(scrape, 'GET', '/metrics');
  });

  it('a hoocron trigger answers 200 OK with the documented headers', async () => {
    const finished = h.service.events.once('run:finished', ({ firing }) => firing.job === 'hook');
    const answer = await call(port, 'POST', '/hook', { token: TOKEN });
    assert.equal(answer.headers['x-pycron-outcome'], 'started');
    assertDocumented(answer, 'POST', '/{job}');
    await within(finished, 15_000, 'run:finished of hook');
  });

  it('answers errors with a status and body the operation documents', async () => {
    const answers: [Answer, string, string][] = [
      [await call(port, 'GET', '/api/v1/jobs/nothing'), 'GET', '/api/v1/jobs/{name}'],
      [await call(port, 'GET', '/api/v1/jobs?colour=red'), 'GET', '/api/v1/jobs'],
      [await call(port, 'GET', '/api/v1/runs/no-such-run'), 'GET', '/api/v1/runs/{run_id}'],
      [
        await call(port, 'POST', '/api/v1/jobs/hook/run', { token: TOKEN, body: '{"argv":[]}' }),
        'POST',
        '/api/v1/jobs/{name}/run',
      ],
      [await call(port, 'POST', '/api/v1/jobs/hook/pause'), 'POST', '/api/v1/jobs/{name}/pause'],
      [await call(port, 'GET', '/worker', { token: TOKEN }), 'GET', '/{job}'],
      [await call(h.port, 'GET', '/metrics'), 'GET', '/metrics'],
      [await call(h.port, 'GET', '/api/v1/runs'), 'GET', '/api/v1/runs'],
    ];
    assert.deepEqual(
      answers.map(([answer]) => answer.status),
      [404, 400, 404, 400, 401, 404, 503, 503],
    );
    for (const [answer, method, path] of answers) assertDocumented(answer, method, path);
    const forbidden = await call(await h.extraServer({ token: undefined }), 'POST', '/hook');
    assert.equal(forbidden.status, 403);
    assertDocumented(forbidden, 'POST', '/{job}');
  });
});
