// What a Redis or MQTT message asks for: pure decisions, every refusal with its whole sentence.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JobOptions } from '../../src/jobs/job-options.ts';
import type { JobSpec } from '../../src/jobs/job-spec.ts';
import { decideMqttMessage } from '../../src/triggers/mqtt/decide-mqtt-message.ts';
import { decideRedisMessage } from '../../src/triggers/redis/decide-redis-message.ts';
import { makeJob } from '../support/make-job.ts';

function jobs(...list: [string, Partial<JobOptions>][]): (name: string) => JobSpec | undefined {
  const byName = new Map(
    list.map(([name, options]) => {
      const job = makeJob(name, '@daily');
      return [name, { ...job, options: { ...job.options, ...options } }];
    }),
  );
  return (name) => byName.get(name);
}

const lookup = jobs(
  ['backup', { redisTrigger: true, mqttTrigger: true }],
  ['5min/report.sh', { redisTrigger: true, mqttTrigger: true }],
  ['quiet', {}],
);
const redis = (text: string | Buffer) => decideRedisMessage(Buffer.isBuffer(text) ? text : Buffer.from(text), lookup);

describe('decideRedisMessage', () => {
  it("takes hoocron's bare job name, trimmed, and JSON with job and args", () => {
    assert.deepEqual(redis('backup'), { kind: 'trigger', job: 'backup', args: [] });
    assert.deepEqual(redis(' backup\n'), { kind: 'trigger', job: 'backup', args: [] });
    assert.deepEqual(redis('5min/report.sh'), { kind: 'trigger', job: '5min/report.sh', args: [] });
    assert.deepEqual(redis('{"job": "backup", "args": ["--full", "a b"]}'), {
      kind: 'trigger',
      job: 'backup',
      args: ['--full', 'a b'],
    });
    assert.deepEqual(redis('{"job": "backup"}'), { kind: 'trigger', job: 'backup', args: [] });
  });

  it('refuses unknown jobs and jobs without redis_trigger, saying what to do', () => {
    assert.deepEqual(redis('nosuchjob'), { kind: 'refuse', reason: "no job named 'nosuchjob'" });
    assert.deepEqual(redis('{"job": "quiet"}'), {
      kind: 'refuse',
      reason: "job 'quiet' does not take Redis triggers (set redis_trigger = true in its job.ini)",
    });
  });

  it('refuses malformed messages with the reason', () => {
    const reason = (text: string | Buffer) => {
      const decision = redis(text);
      return decision.kind === 'refuse' ? decision.reason : 'triggered';
    };
    assert.match(reason('{"job":'), /^the message is not JSON: /);
    assert.equal(reason('{"job": "backup", "when": 1}'), "unknown field 'when' (a message takes job and args)");
    assert.equal(
      reason('{"args": []}'),
      'job: expected a job name; a JSON message looks like {"job": "backup", "args": ["--full"]}',
    );
    assert.equal(reason('{"job": "backup", "args": "--full"}'), 'args: expected an array of strings');
    assert.equal(
      reason('{"job": "backup", "args": [1]}'),
      'args[0]: expected a string of at most 4096 bytes without NUL',
    );
    assert.equal(
      reason(''),
      "expected a job name (a job folder such as backup, or a PyCron path such as 5min/report.sh), got ''",
    );
    assert.equal(
      reason('../etc'),
      "expected a job name (a job folder such as backup, or a PyCron path such as 5min/report.sh), got '../etc'",
    );
    assert.equal(reason(Buffer.alloc(64 * 1024 + 1, 'a')), 'the message is 65537 bytes, over the 65536 taken');
  });
});

describe('decideMqttMessage', () => {
  const prefix = 'pycron/trigger/';
  const mqtt = (topic: string, payload = '', retain = false) =>
    decideMqttMessage({ topic, payload: Buffer.from(payload), retain }, prefix, lookup);

  it('takes the job name from the topic, slashes and all, and args from a JSON payload', () => {
    assert.deepEqual(mqtt('pycron/trigger/backup'), { kind: 'trigger', job: 'backup', args: [] });
    assert.deepEqual(mqtt('pycron/trigger/backup', ' \n'), { kind: 'trigger', job: 'backup', args: [] });
    assert.deepEqual(mqtt('pycron/trigger/5min/report.sh', '{"args": ["x"]}'), {
      kind: 'trigger',
      job: '5min/report.sh',
      args: ['x'],
    });
  });

  it('ignores retained messages, foreign topics, bad payloads and jobs that take no MQTT triggers', () => {
    const reason = (topic: string, payload = '', retain = false) => {
      const decision = mqtt(topic, payload, retain);
      return decision.kind === 'refuse' ? decision.reason : 'triggered';
    };
    assert.equal(
      reason('pycron/trigger/backup', '', true),
      'it is a retained message: publish triggers without the retain flag',
    );
    assert.equal(reason('elsewhere/backup'), 'the topic is not under pycron/trigger/');
    assert.equal(
      reason('pycron/trigger/'),
      'the topic should end in a job name (a job folder such as backup, or a PyCron path such as 5min/report.sh)',
    );
    assert.equal(
      reason('pycron/trigger/a//b'),
      'the topic should end in a job name (a job folder such as backup, or a PyCron path such as 5min/report.sh)',
    );
    assert.match(reason('pycron/trigger/backup', 'backup'), /^the payload is not JSON: /);
    assert.equal(
      reason('pycron/trigger/backup', '["x"]'),
      'the payload must be empty or a JSON object such as {"args": ["--full"]}',
    );
    assert.equal(reason('pycron/trigger/backup', '{"job": "x"}'), "unknown field 'job' (the payload takes only args)");
    assert.equal(reason('pycron/trigger/nosuchjob'), "no job named 'nosuchjob'");
    assert.equal(
      reason('pycron/trigger/quiet'),
      "job 'quiet' does not take MQTT triggers (set mqtt_trigger = true in its job.ini)",
    );
  });
});
