// Every endpoint of the HTTP API over real HTTP, served by the real CLI (`pycron -c config.ini`) on port 0 with real
// job processes, the run history and the metrics registry: what a user with curl sees.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { call, openEvents, writeIniJob, type SseMessage } from '../http/http-harness.ts';
import { makeTempDir, removeTempDir, ServiceProcess, waitFor } from '../support/cli-process.ts';
import { writeJobFolder, writeServiceFolder } from '../support/service-folder.ts';

const TOKEN = 'e2e-token-0123456789abcdef';

describe('HTTP API of the real service (every endpoint)', () => {
  let root: string;
  let service: ServiceProcess;
  let port: number;

  before(async () => {
    root = await makeTempDir();
    const folder = writeServiceFolder(root, '[Control]\nSOCKET =', ['LISTEN = 127.0.0.1:0', `TOKEN = ${TOKEN}`]);
    writeIniJob(folder.jobs, 'hook', 'schedule = none\nhttp_trigger = both', 'echo "hook says $*"');
    writeIniJob(folder.jobs, 'legacy', 'schedule = none\nhttp_trigger = get\nhttp_trigger_auth = none', 'echo legacy');
    writeIniJob(folder.jobs, 'nightly', 'schedule = 30 2 * * *\ntitle = Nightly backup', 'echo nightly');
    writeJobFolder(folder.jobs, 'broken', 'every banana', 'echo never');
    service = new ServiceProcess(['-c', folder.config], { cwd: root });
    const line = await service.waitForLog(/HTTP API listening on http:\/\/127\.0\.0\.1:\d+/);
    port = Number(/http:\/\/127\.0\.0\.1:(\d+)/.exec(line)![1]);
  });

  after(async () => {
    await service?.kill();
    if (root) await removeTempDir(root);
  });

  it("answers hoocron's curl localhost:PORT/JOB with OK (with the token), and 401 without it", () => {
    const curl = (...args: string[]) => execFileSync('curl', ['-s', ...args], { encoding: 'utf8' });
    assert.equal(curl('-H', `Authorization: Bearer ${TOKEN}`, `localhost:${port}/hook`), 'OK');
    const refused = curl('-w', '\n%{http_code}', `localhost:${port}/hook`);
    assert.match(refused, /"code":"HTTP_UNAUTHORIZED"[\s\S]*\n401$/);
  });

  it("answers hoocron's bare curl localhost:PORT/JOB with OK for a job with http_trigger_auth = none", async () => {
    const bare = execFileSync('curl', ['-s', `localhost:${port}/legacy`], { encoding: 'utf8' });
    assert.equal(bare, 'OK');
    await waitFor(
      () =>
        /"job":"legacy"/.test(
          execFileSync('curl', ['-s', `localhost:${port}/api/v1/runs?job=legacy`], { encoding: 'utf8' }),
        )
          ? true
          : undefined,
      10_000,
      'the run of legacy in the history',
    );
  });

  it('runs a job with arguments, streams its end within 100 ms, and serves it from the history with its output', async () => {
    const messages: SseMessage[] = [];
    const events = await openEvents(port, (m) => messages.push(m));
    try {
      const answer = await call(port, 'POST', '/api/v1/jobs/hook/run', {
        token: TOKEN,
        body: JSON.stringify({ args: ['a b', '<c>'] }),
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(answer.status, 200);
      const { run_id: runId, outcome } = answer.json();
      assert.equal(outcome, 'started');
      const started = await waitFor(
        () => messages.find((m) => m.event === 'run:started' && m.data.run_id === runId),
        5000,
        'run:started',
      );
      assert.equal(started.data.job, 'hook');
      const ended = await waitFor(
        () => messages.find((m) => m.event === 'run:finished' && m.data.run_id === runId),
        5000,
        'run:finished',
      );
      const lag = ended.arrivedAt - Date.parse(ended.data.ended_at);
      assert.ok(lag < 100, `the event arrived ${lag} ms after the run ended`);
      assert.equal(ended.data.output, undefined, 'events leave the output out');

      const record = (await call(port, 'GET', `/api/v1/runs/${runId}`)).json();
      assert.equal(record.output, 'hook says a b <c>\n');
      assert.deepEqual(record.args, ['a b', '<c>']);
      const runs = (await call(port, 'GET', '/api/v1/runs?job=hook&status=ok&limit=5')).json().runs;
      assert.equal(runs[0].run_id, runId);
      assert.equal((await call(port, 'GET', '/api/v1/runs?job=hook&status=failed')).json().runs.length, 0);
      const strip = (await call(port, 'GET', '/api/v1/jobs/hook')).json().recent_runs;
      assert.equal(strip[0].run_id, runId);
      assert.equal((await call(port, 'GET', '/api/v1/runs/no-such-run')).status, 404);
    } finally {
      events.close();
    }
  });

  it('lists jobs (all, or by name with their recent runs), the diagnostics and the index', async () => {
    const list = (await call(port, 'GET', '/api/v1/jobs')).json();
    assert.deepEqual(
      list.jobs.map((j: { name: string }) => j.name),
      ['hook', 'legacy', 'nightly'],
    );
    const nightly = list.jobs.find((j: { name: string }) => j.name === 'nightly');
    assert.match(nightly.schedule, /^at 02:30 every day/);
    assert.equal(nightly.title, 'Nightly backup');
    assert.equal(nightly.next_runs.length, 3);
    assert.ok(list.diagnostics.some((d: { path: string }) => d.path.endsWith('broken/schedule')));
    const some = (await call(port, 'GET', '/api/v1/jobs?recent=5&name=hook&name=gone')).json();
    assert.deepEqual(
      some.jobs.map((j: { name: string }) => j.name),
      ['hook'],
    );
    assert.equal((await call(port, 'GET', '/api/v1/jobs?recent=99')).status, 400);
    const diagnostics = (await call(port, 'GET', '/api/v1/diagnostics')).json().diagnostics;
    assert.equal(diagnostics[0].code, 'SCHEDULE_INVALID');
    const index = (await call(port, 'GET', '/api/v1')).json();
    assert.ok(index.endpoints.includes('GET /api/v1/events'));
  });

  it('pauses and resumes, with the token only', async () => {
    assert.equal((await call(port, 'POST', '/api/v1/jobs/nightly/pause')).status, 401);
    const paused = await call(port, 'POST', '/api/v1/jobs/nightly/pause', { token: TOKEN });
    assert.equal(paused.json().paused, true);
    assert.deepEqual(paused.json().next_runs, []);
    const resumed = await call(port, 'POST', '/api/v1/jobs/nightly/resume', { token: TOKEN });
    assert.equal(resumed.json().paused, false);
    assert.equal(resumed.json().next_runs.length, 3);
  });

  it('refuses what it must: unknown job 404, huge body 413, malformed body 400, a path out of the jobs folder', async () => {
    assert.equal((await call(port, 'GET', '/api/v1/jobs/nope')).status, 404);
    assert.equal((await call(port, 'GET', '/nope', { token: TOKEN })).status, 404);
    const huge = await call(port, 'POST', '/hook', {
      token: TOKEN,
      body: Buffer.alloc(200 * 1024, 'x'),
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(huge.status, 413);
    const malformed = await call(port, 'POST', '/api/v1/jobs/hook/run', {
      token: TOKEN,
      body: '{"args": [',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(malformed.status, 400);
    for (const path of ['/../../etc/passwd', '/api/v1/jobs/..%2F..%2Fetc%2Fpasswd', '/%2e%2e/%2e%2e/etc/passwd']) {
      const answer = await call(port, 'GET', path, { token: TOKEN });
      assert.equal(answer.status, 400, path);
      assert.equal(answer.json().error.code, 'BAD_REQUEST', path);
    }
  });

  it('answers /health, /monitor, /metrics and serves the dashboard with its files', async () => {
    const health = (await call(port, 'GET', '/health')).json();
    assert.equal(health.status, 'ok');
    assert.equal(health.jobs, 3);
    const monitor = (await call(port, 'GET', '/monitor')).json();
    assert.ok(monitor.memory && monitor.uptime_s >= 0, JSON.stringify(monitor));
    const metrics = await call(port, 'GET', '/metrics');
    assert.match(metrics.text, /^pycron_runs_total\{job="hook",outcome="success"\} 2$/m);
    const page = await call(port, 'GET', '/');
    assert.match(String(page.headers['content-type']), /^text\/html/);
    assert.match(String(page.headers['content-security-policy']), /script-src 'self'/);
    assert.match(page.text, /<script type="module" src="\/ui\/main\.js">/);
    const script = await call(port, 'GET', '/ui/main.js');
    assert.match(String(script.headers['content-type']), /^text\/javascript/);
    const again = await call(port, 'GET', '/ui/main.js', { headers: { 'if-none-match': String(script.headers.etag) } });
    assert.equal(again.status, 304);
    assert.equal((await call(port, 'GET', '/ui/../config.ini')).status, 404);
    assert.equal((await call(port, 'GET', '/ui/nope.js')).status, 404);
  });
});
