// config.ini [Redis] and [MQTT], and the small pure parts the triggers are built from.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { loadSettings } from '../../src/config/load-settings.ts';
import { ERROR_CODES, PycronError } from '../../src/errors.ts';
import { defaultInstanceId } from '../../src/triggers/default-instance-id.ts';
import { runRecordPayload } from '../../src/triggers/mqtt/run-record-payload.ts';
import { readPasswordFile } from '../../src/triggers/read-password-file.ts';
import { MAX_RECONNECT_DELAY_MS, reconnectDelayMs } from '../../src/triggers/reconnect-delay-ms.ts';
import { redactUrl } from '../../src/triggers/trigger-setting-values.ts';
import { buildStatusRecord } from '../../src/statuslog/status-record.ts';

const tmp = fs.mkdtempSync(path.join(fs.realpathSync(process.env.TMPDIR ?? '/tmp'), 'pycron-trigger-settings-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function load(name: string, text: string) {
  const file = path.join(tmp, `${name}.ini`);
  fs.writeFileSync(file, text);
  return { file, ...loadSettings({ configPath: file, flags: {}, cwd: '/', hostTimezone: 'UTC' }) };
}

describe('config.ini [Redis] and [MQTT]', () => {
  it('are off by default, with hoocron list and topic defaults', () => {
    const { settings, diagnostics } = load('empty', '');
    assert.deepEqual(diagnostics, []);
    assert.equal(settings.redisUrl, undefined);
    assert.equal(settings.mqttUrl, undefined);
    assert.equal(settings.redisList, 'hook');
    assert.equal(settings.mqttTopicPrefix, 'pycron/trigger/');
    assert.equal(settings.mqttRunsTopicPrefix, 'pycron/runs/');
    assert.equal(settings.mqttPublishRuns, false);
  });

  it('read every key; paths resolve against the config folder; a missing final slash is added', () => {
    const { settings, diagnostics } = load(
      'full',
      [
        '[Redis]',
        'URL = redis://:secret@127.0.0.1:6380/2',
        'LIST = jobs:hook',
        'PASSWORD_FILE = secrets/redis',
        'INSTANCE_ID = gateway-1',
        'DEAD_LETTER_LIST = jobs:dead',
        '[MQTT]',
        'URL = mqtts://broker.example.org:8883',
        'TOPIC_PREFIX = site1/trigger',
        'USERNAME = pycron',
        'PASSWORD_FILE = /etc/pycron/mqtt-password',
        'CLIENT_ID = pycron-gateway-1',
        'MQTT_PUBLISH_RUNS = yes',
        'RUNS_TOPIC_PREFIX = site1/runs/',
      ].join('\n'),
    );
    assert.deepEqual(diagnostics, []);
    assert.deepEqual(
      [
        settings.redisUrl,
        settings.redisList,
        settings.redisPasswordFile,
        settings.redisInstanceId,
        settings.redisDeadLetterList,
      ],
      ['redis://:secret@127.0.0.1:6380/2', 'jobs:hook', path.join(tmp, 'secrets/redis'), 'gateway-1', 'jobs:dead'],
    );
    assert.deepEqual(
      [
        settings.mqttUrl,
        settings.mqttTopicPrefix,
        settings.mqttUsername,
        settings.mqttPasswordFile,
        settings.mqttClientId,
        settings.mqttPublishRuns,
        settings.mqttRunsTopicPrefix,
      ],
      [
        'mqtts://broker.example.org:8883',
        'site1/trigger/',
        'pycron',
        '/etc/pycron/mqtt-password',
        'pycron-gateway-1',
        true,
        'site1/runs/',
      ],
    );
  });

  it('name the file, line, key, what was expected and what was found for wrong values', () => {
    const { file, diagnostics } = load(
      'bad',
      [
        '[Redis]',
        'URL = http://127.0.0.1:6379',
        'LIST = two words',
        'INSTANCE_ID = a/b',
        '[MQTT]',
        'URL = 127.0.0.1:1883',
        'TOPIC_PREFIX = pycron/+/trigger',
        'MQTT_PUBLISH_RUNS = maybe',
      ].join('\n'),
    );
    assert.deepEqual(
      diagnostics.map((d) => d.message),
      [
        `${file}:2 [Redis] URL: expected a redis:// or rediss:// URL such as redis://127.0.0.1:6379/0, or nothing (off), got 'http://127.0.0.1:6379'`,
        `${file}:3 [Redis] LIST: expected a Redis key name without spaces (hook, jobs:triggers), got 'two words'`,
        `${file}:4 [Redis] INSTANCE_ID: expected a name of letters, digits, dot, underscore, colon and dash, at most 100 characters, got 'a/b'`,
        `${file}:6 [MQTT] URL: expected a mqtt:// or mqtts:// or ws:// or wss:// URL such as mqtt://127.0.0.1:1883, or nothing (off), got '127.0.0.1:1883'`,
        `${file}:7 [MQTT] TOPIC_PREFIX: expected an MQTT topic prefix such as pycron/trigger/ (no + or #, not starting with $), got 'pycron/+/trigger'`,
        `${file}:8 [MQTT] MQTT_PUBLISH_RUNS: expected true or false (or yes/no, on/off, 1/0), got 'maybe'`,
      ],
    );
    assert.ok(diagnostics.every((d) => d.severity === 'error' && d.code === 'CONFIG_BAD_VALUE'));
  });

  it('an empty URL turns a source off', () => {
    const { settings, diagnostics } = load('off', '[Redis]\nURL =\n[MQTT]\nURL =\n');
    assert.deepEqual(diagnostics, []);
    assert.equal(settings.redisUrl, undefined);
    assert.equal(settings.mqttUrl, undefined);
  });
});

describe('trigger parts', () => {
  it('reconnect delays double from 500 ms up to 30 s', () => {
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5, 6, 7, 100].map(reconnectDelayMs),
      [500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000],
    );
    assert.equal(MAX_RECONNECT_DELAY_MS, 30_000);
  });

  it('the default instance id is stable for a host and state file, and differs between state files', () => {
    const id = defaultInstanceId('gateway 1', '/etc/pycron/persistence.json');
    assert.match(id, /^gateway-1-[0-9a-f]{8}$/);
    assert.equal(defaultInstanceId('gateway 1', '/etc/pycron/persistence.json'), id);
    assert.notEqual(defaultInstanceId('gateway 1', '/srv/other/state.json'), id);
  });

  it('URLs in the log hide their password', () => {
    assert.equal(redactUrl('redis://:secret@127.0.0.1:6379/0'), 'redis://:***@127.0.0.1:6379/0');
    assert.equal(redactUrl('mqtt://user:pw@broker:1883'), 'mqtt://user:***@broker:1883');
    assert.equal(redactUrl('redis://127.0.0.1:6379/0'), 'redis://127.0.0.1:6379/0');
  });

  it('a password file gives its text without the final line break; a missing or empty one is CONFIG_BAD_VALUE', () => {
    const file = path.join(tmp, 'password');
    fs.writeFileSync(file, 'correct horse\n');
    const where = { file: 'config.ini', section: 'Redis', key: 'PASSWORD_FILE' };
    assert.equal(readPasswordFile(file, where), 'correct horse');
    fs.writeFileSync(file, '\n');
    assert.throws(
      () => readPasswordFile(file, where),
      (error: unknown) =>
        error instanceof PycronError &&
        error.code === 'CONFIG_BAD_VALUE' &&
        error.message === `config.ini [Redis] PASSWORD_FILE: the password file ${file} is empty`,
    );
    assert.throws(
      () => readPasswordFile(path.join(tmp, 'missing'), where),
      /config\.ini \[Redis\] PASSWORD_FILE: the password file .*missing cannot be read: ENOENT/,
    );
  });

  it('a published run record is the status record without output and error', () => {
    const record = buildStatusRecord({
      job: { name: 'backup', file: '/jobs/backup/run.sh' },
      result: {
        runId: 'r1',
        job: 'backup',
        pid: 42,
        exitCode: 0,
        signal: null,
        timedOut: false,
        forcefullyTerminated: false,
        outputTruncated: false,
        errorTruncated: false,
        startedAt: 0,
        endedAt: 1500,
        durationMs: 1500,
        stdout: 'secret output',
        stderr: 'secret errors',
        error: null,
      },
      scheduledAt: 0,
      reasonForRun: 'triggered by mqtt pycron/trigger/backup',
      failedAttempts: 0,
      nextRun: undefined,
      host: 'gateway',
      args: ['--full'],
    });
    const published = JSON.parse(runRecordPayload(record)) as Record<string, unknown>;
    const { output: _output, error: _error, ...rest } = record;
    assert.deepEqual(published, rest);
    assert.ok(!('output' in published) && !('error' in published));
    assert.equal(ERROR_CODES.TRIGGER_MESSAGE_INVALID.exit, 2);
  });
});
