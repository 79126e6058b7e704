import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { createServiceLogger } from '../../src/log/service-logger.ts';
import { MemoryServiceLogger } from '../../src/log/memory-service-logger.ts';
import type { LogFormat } from '../../src/log/format-log-line.ts';
import type { LogLevel } from '../../src/config/settings.ts';

const NOW = Date.parse('2026-11-23T08:00:00.123Z');

function capture(level: LogLevel, format: LogFormat) {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const logger = createServiceLogger({ level, format, stream, now: () => NOW });
  return { logger, lines: () => text.split('\n').filter((line) => line !== '') };
}

test('text lines: time, padded level, message, key=value with quotes only where needed', async () => {
  const { logger, lines } = capture('debug', 'text');
  logger.info('job started', { job: 'backup', pid: 4242, reason: 'catch up', ok: true, next: null });
  logger.warn('two\nlines', { error: new Error('disk "full"'), skipped: undefined, nested: { a: [1, 2] } });
  logger.debug('tick');
  logger.error('boom', { empty: '' });
  await logger.close();
  assert.deepEqual(lines(), [
    '2026-11-23T08:00:00.123Z INFO  job started job=backup pid=4242 reason="catch up" ok=true next=null',
    '2026-11-23T08:00:00.123Z WARN  two\\nlines error="disk \\"full\\"" nested={"a":[1,2]}',
    '2026-11-23T08:00:00.123Z DEBUG tick',
    '2026-11-23T08:00:00.123Z ERROR boom empty=""',
  ]);
});

test('json lines: time, level, msg, then the fields; a field cannot overwrite the first three', async () => {
  const { logger, lines } = capture('info', 'json');
  logger.info('job started', { job: 'backup', pid: 4242, error: new Error('x'), msg: 'mine', big: 10n });
  await logger.close();
  assert.deepEqual(lines(), [
    '{"time":"2026-11-23T08:00:00.123Z","level":"info","msg":"job started","job":"backup","pid":4242,"error":"x","field.msg":"mine","big":"10"}',
  ]);
});

test('lines below the level are not written and not even formatted', async () => {
  const { logger, lines } = capture('warn', 'text');
  let formatted = 0;
  const costly = { toJSON: () => (formatted++, 'x') };
  logger.debug('hidden', { costly });
  logger.info('hidden');
  logger.warn('shown');
  logger.error('shown too');
  await logger.close();
  assert.deepEqual(lines(), ['2026-11-23T08:00:00.123Z WARN  shown', '2026-11-23T08:00:00.123Z ERROR shown too']);
  assert.equal(formatted, 0);
  assert.deepEqual([logger.isEnabled('info'), logger.isEnabled('warn')], [false, true]);
});

test('close resolves after every line reached the stream, and a late line is still written', async () => {
  const { logger, lines } = capture('info', 'text');
  for (let i = 0; i < 500; i++) logger.info(`line ${i}`);
  await logger.close();
  assert.equal(lines().length, 500);
  logger.error('after close');
  assert.equal(lines().at(-1), '2026-11-23T08:00:00.123Z ERROR after close');
});

test('the memory twin keeps entries and prints the same lines', () => {
  const logger = new MemoryServiceLogger({ level: 'info', now: () => NOW });
  logger.debug('hidden');
  logger.info('job started', { job: 'backup' });
  assert.deepEqual(logger.lines(), ['2026-11-23T08:00:00.123Z INFO  job started job=backup']);
  assert.deepEqual(logger.messages('info'), ['job started']);
});
