// Webhook notifications to a real HTTP receiver on 127.0.0.1: the JSON posted, retries on the FakeClock after
// failed answers, the 10 s limit, and log lines that show only the URL's origin.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { test } from 'node:test';
import { NOTIFY_OUTPUT_MAX_CHARS } from '../../src/notify/bound-text.ts';
import { postWebhook } from '../../src/notify/post-webhook.ts';
import { finishedRun, notifierOn, notifyJob, startWebhookReceiver } from './notify-harness.ts';

test('a failure posts the status record as JSON, with its event, as job_status.log has it', async () => {
  const hook = await startWebhookReceiver();
  const { events, notifier } = notifierOn('2026-03-10T02:30:05Z');
  try {
    const job = notifyJob('backup', '30 2 * * *', { webhookUrl: `${hook.url}/pycron` });
    events.emit('job:added', { job });
    const finished = finishedRun(job, {
      scheduledAt: '2026-03-10T02:30:00Z',
      exitCode: 2,
      stdout: 'out\n',
      stderr: 'err\n',
    });
    events.emit('run:finished', finished);
    await hook.requests(1);
    const [post] = hook.posts;
    assert.equal(post?.headers['content-type'], 'application/json');
    assert.equal(post?.headers['x-pycron-event'], 'failure');
    assert.deepEqual(post?.json, { event: 'failure', ...finished.record });
    assert.deepEqual(
      [post?.json.job, post?.json.status_code, post?.json.output, post?.json.error, post?.json.ok, post?.json.host],
      ['backup', 2, 'out\n', 'err\n', false, 'db1'],
    );
  } finally {
    await notifier.close();
    await hook.close();
  }
});

test('a receiver that fails twice gets it on the third try, 1 and 5 minutes later on the clock', async () => {
  const hook = await startWebhookReceiver([500, 503]);
  const { events, notifier, logger, clock } = notifierOn('2026-03-10T02:30:05Z');
  try {
    const job = notifyJob('backup', '30 2 * * *', { webhookUrl: `${hook.url}/hook/SECRET-TOKEN?key=SECRET-KEY` });
    events.emit('job:added', { job });
    events.emit('run:finished', finishedRun(job, { scheduledAt: '2026-03-10T02:30:00Z', exitCode: 1 }));
    await hook.requests(1);
    await notifier.idle();
    clock.advance(59_999);
    await notifier.idle();
    assert.deepEqual(hook.answered, [500], 'retried before its time');
    clock.advance(1);
    await hook.requests(2);
    await notifier.idle();
    clock.advance(240_000);
    await hook.requests(3);
    await notifier.idle();
    assert.deepEqual(hook.answered, [500, 503, 200]);
    assert.equal(hook.posts.length, 1);
    const label = `webhook ${hook.url} about backup (failure)`;
    assert.deepEqual(logger.messages('warn'), [
      `notification failed (attempt 1 of 3), retrying at 2026-03-10T02:31:05.000Z: ${label}: webhook ${hook.url}: answered HTTP 500`,
      `notification failed (attempt 2 of 3), retrying at 2026-03-10T02:35:05.000Z: ${label}: webhook ${hook.url}: answered HTTP 503`,
    ]);
    assert.deepEqual(logger.messages('info'), [`notification sent: ${label}`]);
    assert.ok(!JSON.stringify(logger.entries).includes('SECRET'), 'a log line shows the path or query');
  } finally {
    await notifier.close();
    await hook.close();
  }
});

test('output in a webhook is bounded (head and tail) and marked as cut', async () => {
  const hook = await startWebhookReceiver();
  const { events, notifier } = notifierOn('2026-03-10T02:30:05Z');
  try {
    const job = notifyJob('chatty', '@hourly', { webhookUrl: hook.url, notifyOn: ['always'] });
    events.emit('job:added', { job });
    const stdout = `HEAD${'x'.repeat(200_000)}TAIL`;
    events.emit('run:finished', finishedRun(job, { scheduledAt: '2026-03-10T02:00:00Z', stdout }));
    await hook.requests(1);
    const json = hook.posts[0]?.json;
    const output = String(json?.output);
    assert.equal(json?.event, 'success');
    assert.equal(json?.output_truncated, true);
    assert.ok(output.startsWith('HEAD') && output.endsWith('TAIL'));
    assert.ok(output.length < NOTIFY_OUTPUT_MAX_CHARS + 100, `${output.length} characters`);
    const cut = stdout.length - NOTIFY_OUTPUT_MAX_CHARS;
    assert.ok(output.includes(`\n[... ${cut} characters cut ...]\n`), 'no line says how much was cut');
  } finally {
    await notifier.close();
    await hook.close();
  }
});

test('a receiver that never answers: the post gives up at its time limit, naming only the origin', async () => {
  const sockets = new Set<Socket>();
  const server = http.createServer(() => {});
  server.on('connection', (socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const started = performance.now();
    await assert.rejects(postWebhook(`${origin}/secret-path`, { a: 1 }, 'failure', 300), {
      message: `webhook ${origin}: no answer within 0.3 s`,
    });
    const took = performance.now() - started;
    assert.ok(took >= 290 && took < 2000, `${took} ms`);
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
