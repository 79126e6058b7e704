// The HTTP API over real HTTP on port 0, against a real service with real job processes.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { within } from '../support/within.ts';
import { call, openEvents, startHarness, TOKEN, writeIniJob, type Harness, type SseMessage } from './http-harness.ts';

describe('HTTP API against a running service', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness((f) => {
      writeIniJob(f.jobs, 'hook', 'schedule = none\nhttp_trigger = both', 'echo "hook $*"');
      writeIniJob(f.jobs, 'getonly', 'schedule = none\nhttp_trigger = get', 'echo get');
      writeIniJob(f.jobs, 'private', 'schedule = none', 'echo private');
      writeIniJob(f.jobs, 'hourly', 'schedule = 0 * * * *\ntitle = Every hour', 'echo hourly');
      writeIniJob(f.jobs, 'slow', 'schedule = none\nhttp_trigger = get', 'sleep 0.4');
      writeIniJob(f.jobs, 'queued', 'schedule = none\nhttp_trigger = get\noverlap = queue', 'sleep 0.4');
      writeIniJob(f.jobs, 'asap', 'schedule = none\nhttp_trigger = get\noverlap = asap', 'sleep 0.4');
      writeIniJob(f.jobs, 'open', 'schedule = none\nhttp_trigger = both\nhttp_trigger_auth = none', 'echo open');
      mkdirSync(join(f.jobs, 'broken'));
      writeFileSync(join(f.jobs, 'broken', 'schedule'), '61 * * * *\n');
    });
  });
  after(async () => {
    await h.close();
  });

  const finished = (job: string) =>
    within(
      h.service.events.once('run:finished', (p) => p.firing.job === job),
      15_000,
      `run:finished of ${job}`,
    );

  it('answers a hoocron GET /JOB with 200 OK and starts the job', async () => {
    const done = finished('hook');
    const answer = await call(h.port, 'GET', '/hook', { token: TOKEN });
    assert.equal(answer.status, 200);
    assert.equal(answer.text, 'OK');
    assert.equal(answer.headers['x-pycron-outcome'], 'started');
    const { record } = await done;
    assert.equal(record.output, 'hook \n');
    assert.match(record.reason_for_run, /^triggered by http 127\.0\.0\.1/);
    assert.equal(record.run_id, answer.headers['x-pycron-run-id']);
  });

  it('passes the arguments of a hoocron POST with a JSON body to the run', async () => {
    const done = finished('hook');
    const answer = await call(h.port, 'POST', '/hook', {
      token: TOKEN,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ args: ['--full', 'two words'] }),
    });
    assert.equal(answer.text, 'OK');
    const { record } = await done;
    assert.deepEqual(record.args, ['--full', 'two words']);
    assert.equal(record.output, 'hook --full two words\n');
  });

  it('says ignored (still 200 OK, as hoocron) when the overlap policy drops a trigger', async () => {
    const done = finished('slow');
    const first = await call(h.port, 'GET', '/slow', { token: TOKEN });
    const second = await call(h.port, 'GET', '/slow', { token: TOKEN });
    assert.equal(first.headers['x-pycron-outcome'], 'started');
    assert.equal(second.status, 200);
    assert.equal(second.text, 'OK');
    assert.equal(second.headers['x-pycron-outcome'], 'ignored');
    assert.match(String(second.headers['x-pycron-message']), /running/);
    await done;
  });

  it('says queued and collapsed, as the overlap policy decides (queue: each request waits; asap: one follow-up)', async () => {
    const outcomes = async (job: string): Promise<string[]> => {
      const answers = [];
      for (let i = 0; i < 3; i++) answers.push(await call(h.port, 'GET', `/${job}`, { token: TOKEN }));
      assert.ok(answers.every((a) => a.status === 200 && a.text === 'OK'));
      return answers.map((a) => String(a.headers['x-pycron-outcome']));
    };
    assert.deepEqual(await outcomes('queued'), ['started', 'queued', 'queued']);
    assert.deepEqual(await outcomes('asap'), ['started', 'queued', 'collapsed']);
    // Both end: the queue runs its two waiting requests, asap its one follow-up.
    await within(
      (async () => {
        while (h.service.runs.isRunning('queued') || h.service.runs.isRunning('asap'))
          await new Promise((resolve) => setTimeout(resolve, 50));
      })(),
      15_000,
      'the queued and asap runs to end',
    );
  });

  it('starts an http_trigger_auth = none job without the token, as hoocron did, but never for a web page', async () => {
    const done = finished('open');
    const bare = await call(h.port, 'GET', '/open');
    assert.equal(bare.status, 200);
    assert.equal(bare.text, 'OK');
    assert.equal(bare.headers['x-pycron-outcome'], 'started');
    await done;
    // What a browser adds (a page's <img> or form, a link clicked in a mail) or a proxy: refused without the token.
    const pageHeaders: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'none', 'sec-fetch-mode': 'navigate' },
      { referer: 'https://mail.example/inbox' },
      { 'x-forwarded-for': '203.0.113.7' },
      { via: '1.1 proxy' },
    ];
    for (const headers of pageHeaders) {
      const fromPage = await call(h.port, 'POST', '/open', { headers });
      assert.equal(fromPage.status, 401, JSON.stringify(headers));
      assert.equal(fromPage.json().error.code, 'HTTP_UNAUTHORIZED');
    }
    // The opt-in is per job: another job, and a job that does not exist, still want the token (no probing names).
    assert.equal((await call(h.port, 'GET', '/getonly')).status, 401);
    assert.equal((await call(h.port, 'GET', '/nosuchjob')).status, 401);
    // The REST API's run is not a hoocron trigger: it wants the token for every job.
    assert.equal((await call(h.port, 'POST', '/api/v1/jobs/open/run')).status, 401);
  });

  it('refuses a trigger without the token (401), with a wrong one (401), and on a job that does not allow it', async () => {
    const none = await call(h.port, 'GET', '/hook');
    assert.equal(none.status, 401);
    assert.equal(none.json().error.code, 'HTTP_UNAUTHORIZED');
    assert.match(none.json().error.message, /Authorization: Bearer TOKEN/);
    const wrong = await call(h.port, 'GET', '/hook', { token: `${TOKEN}x` });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.json().error.message, 'the token is wrong');
    const closed = await call(h.port, 'GET', '/private', { token: TOKEN });
    assert.equal(closed.status, 404);
    assert.match(closed.json().error.message, /does not accept HTTP triggers \(set http_trigger/);
    const post = await call(h.port, 'POST', '/getonly', { token: TOKEN });
    assert.equal(post.status, 405);
    assert.equal(post.json().error.code, 'HTTP_METHOD_NOT_ALLOWED');
    assert.equal(h.service.runs.runningCount('private'), 0);
  });

  it('answers 404 for an unknown job and an unknown API path, 405 for a wrong method', async () => {
    const unknown = await call(h.port, 'GET', '/nosuch', { token: TOKEN });
    assert.equal(unknown.status, 404);
    assert.deepEqual(unknown.json(), { error: { code: 'JOB_NOT_FOUND', message: "no job named 'nosuch'" } });
    const api = await call(h.port, 'GET', '/api/v1/jobs/nosuch');
    assert.equal(api.status, 404);
    assert.equal((await call(h.port, 'GET', '/api/v2/things')).json().error.code, 'HTTP_NOT_FOUND');
    assert.equal((await call(h.port, 'DELETE', '/api/v1/jobs')).status, 405);
    assert.equal((await call(h.port, 'GET', '/api/v1/jobs/hook/run')).status, 405);
    assert.equal((await call(h.port, 'PUT', '/hook', { token: TOKEN })).status, 405);
  });

  it('refuses a job name that tries to leave the jobs folder, or holds NUL, before it is used', async () => {
    for (const path of [
      '/../../etc/passwd',
      '/api/v1/jobs/..%2F..%2Fetc%2Fpasswd',
      '/api/v1/jobs/%2E%2E/run',
      '/hook%00',
      '/%2Fetc%2Fpasswd',
      '/api/v1/jobs/%E0%A4%A',
    ]) {
      for (const method of ['GET', 'POST']) {
        const answer = await call(h.port, method, path, { token: TOKEN });
        assert.equal(answer.status, 400, `${method} ${path}: ${answer.text}`);
        assert.equal(answer.json().error.code, 'BAD_REQUEST');
      }
    }
    // A plausible name is only ever a catalog key: no such job.
    assert.equal((await call(h.port, 'GET', '/etc/passwd', { token: TOKEN })).json().error.code, 'JOB_NOT_FOUND');
  });

  it('answers 413 for a body over 64 KiB, declared or chunked, and 400 for malformed JSON', async () => {
    const big = Buffer.alloc(100 * 1024, 'a');
    const declared = await call(h.port, 'POST', '/api/v1/jobs/hook/run', { token: TOKEN, body: big });
    assert.equal(declared.status, 413);
    assert.equal(declared.json().error.code, 'HTTP_BODY_TOO_LARGE');
    const chunked = await call(h.port, 'POST', '/api/v1/jobs/hook/run', {
      token: TOKEN,
      body: big,
      headers: { 'transfer-encoding': 'chunked' },
    });
    assert.equal(chunked.status, 413);
    for (const body of ['{"args": [', '[1]', '{"args": "x"}', '{"arg": []}', '{"args": ["a\\u0000"]}']) {
      const answer = await call(h.port, 'POST', '/api/v1/jobs/hook/run', { token: TOKEN, body });
      assert.equal(answer.status, 400, body);
      assert.equal(answer.json().error.code, 'BAD_REQUEST');
    }
    assert.equal(h.service.runs.runningCount('hook'), 0);
  });

  it('answers 408 when a body does not arrive in time', async () => {
    const port = await h.extraServer({ bodyTimeoutMs: 100 });
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () =>
        socket.write(
          `POST /api/v1/jobs/hook/run HTTP/1.1\r\nhost: localhost\r\nauthorization: Bearer ${TOKEN}\r\ncontent-length: 10\r\n\r\n{"a`,
        ),
      );
      socket.setTimeout(10_000, () =>
        socket.destroy(new Error('timed out after 10000 ms waiting for the server to answer 408 and close')),
      );
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('error', reject);
      socket.on('close', () => resolve(text));
    });
    assert.match(reply, /^HTTP\/1\.1 408/);
    assert.match(reply, /"code":"HTTP_TIMEOUT"/);
    assert.equal(h.service.runs.runningCount('hook'), 0);
  });

  it('survives garbage on the wire and keeps answering', async () => {
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(h.port, '127.0.0.1', () => socket.write('NOT HTTP AT ALL\r\n\r\n'));
      socket.setTimeout(10_000, () =>
        socket.destroy(new Error('timed out after 10000 ms waiting for the server to answer 400 and close')),
      );
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('error', reject);
      socket.on('close', () => resolve(text));
    });
    assert.match(reply, /^HTTP\/1\.1 400/);
    assert.equal((await call(h.port, 'GET', '/health')).status, 200);
  });

  it('lists jobs with schedule in words, next runs, last result and the diagnostics', async () => {
    const answer = await call(h.port, 'GET', '/api/v1/jobs');
    assert.equal(answer.status, 200);
    const { jobs, diagnostics } = answer.json();
    assert.deepEqual(
      jobs.map((j: { name: string }) => j.name),
      ['asap', 'getonly', 'hook', 'hourly', 'open', 'private', 'queued', 'slow'],
    );
    const hourly = jobs.find((j: { name: string }) => j.name === 'hourly');
    assert.equal(hourly.title, 'Every hour');
    assert.equal(hourly.layout, 'folder');
    assert.equal(hourly.enabled, true);
    assert.equal(hourly.paused, false);
    assert.equal(hourly.overlap, 'ignore');
    assert.equal(hourly.http_trigger, 'none');
    assert.equal(hourly.next_runs.length, 3);
    const [a, b, c] = hourly.next_runs.map((t: string) => Date.parse(t));
    assert.equal(a % 3_600_000, 0);
    assert.deepEqual([b - a, c - b], [3_600_000, 3_600_000]);
    assert.equal(typeof hourly.schedule, 'string');
    assert.ok(hourly.schedule.length > 0);
    const hook = jobs.find((j: { name: string }) => j.name === 'hook');
    assert.equal(hook.schedule, 'on trigger only');
    assert.deepEqual(hook.next_runs, []);
    assert.equal(hook.last_result.ok, true);
    assert.equal(hook.last_result.exit_code, 0);
    assert.equal(hook.failures, 0);
    assert.equal(hook.running, 0);
    assert.ok(diagnostics.some((d: { path: string; message: string }) => /minute 61/.test(d.message)));
    const one = await call(h.port, 'GET', '/api/v1/jobs/hourly');
    assert.deepEqual(one.json(), hourly);
  });

  it('runs, pauses and resumes a job through the API, with the effect visible', async () => {
    const unauthorized = await call(h.port, 'POST', '/api/v1/jobs/private/pause');
    assert.equal(unauthorized.status, 401);
    const paused = await call(h.port, 'POST', '/api/v1/jobs/private/pause', { token: TOKEN });
    assert.equal(paused.status, 200);
    assert.equal(paused.json().paused, true);
    assert.equal((await call(h.port, 'GET', '/api/v1/jobs/private')).json().paused, true);
    assert.equal(h.service.state.get('private').paused, true);

    // Run now runs a paused job too, with its arguments.
    const done = finished('private');
    const run = await call(h.port, 'POST', '/api/v1/jobs/private/run', { token: TOKEN, body: '{"args":["x"]}' });
    assert.equal(run.status, 200);
    assert.equal(run.json().outcome, 'started');
    assert.equal(run.json().job, 'private');
    const { record } = await done;
    assert.equal(record.run_id, run.json().run_id);
    assert.deepEqual(record.args, ['x']);
    assert.match(record.reason_for_run, /^run now by http 127\.0\.0\.1/);

    const resumed = await call(h.port, 'POST', '/api/v1/jobs/private/resume', { token: TOKEN });
    assert.equal(resumed.json().paused, false);
    assert.notEqual(h.service.state.get('private').paused, true);
    assert.equal(resumed.json().last_result.run_id, record.run_id);
  });

  it('refuses every state change with 403 when no token is configured, and says to set TOKEN', async () => {
    const port = await h.extraServer({ token: undefined });
    for (const [method, path] of [
      ['GET', '/hook'],
      ['POST', '/hook'],
      ['POST', '/api/v1/jobs/hook/run'],
      ['POST', '/api/v1/jobs/hook/pause'],
      ['POST', '/api/v1/jobs/hook/resume'],
    ] as const) {
      const answer = await call(port, method, path, { token: TOKEN });
      assert.equal(answer.status, 403, `${method} ${path}`);
      assert.equal(answer.json().error.code, 'HTTP_FORBIDDEN');
      assert.match(answer.json().error.message, /set \[HTTP\] TOKEN or TOKEN_FILE/);
    }
    assert.equal((await call(port, 'GET', '/api/v1/jobs')).status, 200);
    assert.equal(h.service.runs.runningCount('hook'), 0);
  });

  it('delivers a run over Server-Sent Events within 100 ms of its end', async () => {
    const messages: SseMessage[] = [];
    let onFinish: (m: SseMessage) => void = () => {};
    const gotFinish = new Promise<SseMessage>((resolve) => (onFinish = resolve));
    const stream = await openEvents(h.port, (m) => {
      messages.push(m);
      if (m.event === 'run:finished' && m.data.job === 'hook') onFinish(m);
    });
    try {
      await waitForClients(h, 1);
      await call(h.port, 'POST', '/api/v1/jobs/hook/run', { token: TOKEN });
      const finish = await within(gotFinish, 15_000, 'run:finished of hook on the event stream');
      const lag = finish.arrivedAt - Date.parse(finish.data.ended_at);
      assert.ok(lag >= 0 && lag < 100, `arrived ${lag} ms after the run ended`);
      assert.equal(finish.data.ok, true);
      assert.equal('output' in finish.data, false);
      const started = messages.find((m) => m.event === 'run:started');
      assert.equal(started?.data.job, 'hook');
      assert.equal(started?.data.run_id, finish.data.run_id);
      await call(h.port, 'POST', '/api/v1/jobs/hook/pause', { token: TOKEN });
      await call(h.port, 'POST', '/api/v1/jobs/hook/resume', { token: TOKEN });
      await waitUntil(() => messages.filter((m) => m.event === 'job:paused').length === 2);
      assert.deepEqual(
        messages.filter((m) => m.event === 'job:paused').map((m) => m.data),
        [
          { job: 'hook', paused: true },
          { job: 'hook', paused: false },
        ],
      );
      writeIniJob(h.folder.jobs, 'newcomer', 'schedule = none', 'echo new');
      await waitUntil(() => messages.some((m) => m.event === 'job:added' && m.data.job === 'newcomer'), 5000);
      rmSync(join(h.folder.jobs, 'newcomer'), { recursive: true });
      await waitUntil(() => messages.some((m) => m.event === 'job:removed' && m.data.job === 'newcomer'), 5000);
    } finally {
      stream.close();
    }
  });

  it('answers /health and /monitor', async () => {
    const health = await call(h.port, 'GET', '/health');
    assert.equal(health.status, 200);
    const body = health.json();
    assert.equal(body.status, 'ok');
    assert.equal(body.jobs, h.service.catalog.jobs.length);
    assert.equal(typeof body.uptime_s, 'number');
    const monitor = (await call(h.port, 'GET', '/monitor')).json();
    assert.equal(monitor.pid, process.pid);
    assert.ok(monitor.memory.rss > 0 && monitor.memory.heap_used > 0);
    assert.ok(monitor.cpu.user_ms >= 0 && monitor.cpu.percent >= 0);
    assert.equal(typeof monitor.load_average['1m'], 'number');
    assert.ok(monitor.uptime_s >= 0);
  });

  it('answers 503 for runs and metrics when the service has no history or metrics', async () => {
    for (const path of ['/api/v1/runs', '/api/v1/runs/abc', '/metrics']) {
      const answer = await call(h.port, 'GET', path);
      assert.equal(answer.status, 503, path);
      assert.equal(answer.json().error.code, 'HTTP_UNAVAILABLE');
    }
  });

  it('hands checked run queries to the history, shows its recent runs per job, and serves metrics from the registry', async () => {
    const queries: unknown[] = [];
    const port = await h.extraServer({
      history: {
        query: (q) => {
          queries.push(q);
          return [{ run_id: 'r1' }];
        },
        get: async (id) => (id === 'r1' ? { run_id: 'r1', output: 'hi' } : undefined),
        recent: (job, n) => [
          { run_id: `${job}-${n}`, status: 'ok', duration_ms: 5, ended_at: '2026-11-01T00:00:00.000Z' },
        ],
      },
      metrics: { contentType: 'text/plain; version=0.0.4', render: async () => 'pycron_up 1\n' },
    });
    const runs = await call(port, 'GET', '/api/v1/runs?job=hook&status=failed&since=2026-11-01T00:00:00Z&limit=5');
    assert.deepEqual(runs.json(), { runs: [{ run_id: 'r1' }] });
    assert.deepEqual(queries, [{ job: 'hook', status: 'failed', since: Date.parse('2026-11-01T00:00:00Z'), limit: 5 }]);
    await call(port, 'GET', '/api/v1/runs');
    assert.deepEqual(queries[1], { limit: 100 });
    for (const bad of ['status=maybe', 'limit=0', 'limit=5000', 'since=yesterday', 'job=../x', 'color=red']) {
      assert.equal((await call(port, 'GET', `/api/v1/runs?${bad}`)).status, 400, bad);
    }
    assert.deepEqual((await call(port, 'GET', '/api/v1/runs/r1')).json(), { run_id: 'r1', output: 'hi' });
    assert.equal((await call(port, 'GET', '/api/v1/runs/r2')).status, 404);
    assert.equal((await call(port, 'GET', '/api/v1/runs/..%2Fx')).status, 400);
    const strip = (await call(port, 'GET', '/api/v1/jobs/hook')).json().recent_runs;
    assert.deepEqual(strip, [
      { run_id: 'hook-20', status: 'ok', duration_ms: 5, ended_at: '2026-11-01T00:00:00.000Z' },
    ]);
    assert.deepEqual((await call(h.port, 'GET', '/api/v1/jobs/hook')).json().recent_runs, []);
    const metrics = await call(port, 'GET', '/metrics');
    assert.equal(metrics.headers['content-type'], 'text/plain; version=0.0.4');
    assert.equal(metrics.text, 'pycron_up 1\n');
  });
});

async function waitForClients(h: Harness, count: number): Promise<void> {
  await waitUntil(() => h.server.eventClients >= count);
}

async function waitUntil(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('HTTP requests by name and method', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness((f) => writeIniJob(f.jobs, 'hook', 'schedule = none\nhttp_trigger = get', 'echo hook'));
  });
  after(async () => {
    await h.close();
  });

  it('refuses a Host that is not a loopback name (DNS rebinding), and answers loopback names', async () => {
    const rebound = await call(h.port, 'GET', '/api/v1/jobs', { headers: { host: `attacker.example:${h.port}` } });
    assert.equal(rebound.status, 403);
    assert.match(rebound.json().error.message, /DNS rebinding/);
    for (const host of [`localhost:${h.port}`, `127.0.0.1:${h.port}`, `[::1]:${h.port}`, 'app.localhost']) {
      assert.equal((await call(h.port, 'GET', '/health', { headers: { host } })).status, 200, host);
    }
  });

  it('answers HEAD like GET without a body, but never triggers a job or opens a stream with it', async () => {
    const head = await call(h.port, 'HEAD', '/health');
    assert.equal(head.status, 200);
    assert.equal(head.text, '');
    assert.equal((await call(h.port, 'HEAD', '/')).status, 200);
    assert.equal((await call(h.port, 'HEAD', '/hook', { token: TOKEN })).status, 405);
    assert.equal((await call(h.port, 'HEAD', '/api/v1/events')).status, 405);
  });
});
