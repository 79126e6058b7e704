// MQTT triggers end to end: the real CLI service against the machine's Mosquitto (and a private mosquitto for the
// restart), driven by `mosquitto_pub`. Each test has its own topic prefix and client id.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import mqtt from 'mqtt';
import { writeIniJob } from '../http/http-harness.ts';
import { makeTempDir, readStatusRecords, removeTempDir, waitFor } from '../support/cli-process.ts';
import { writeScript, writeServiceFolder, type ServiceFolder } from '../support/service-folder.ts';
import {
  freePort,
  mosquittoPub,
  PrivateServer,
  requireSystemMosquitto,
  SYSTEM_MOSQUITTO,
  uniqueName,
} from './trigger-servers.ts';
import { startService, triggerStates, waitForRun, waitForState, type RunningService } from './trigger-service.ts';

const PORT = SYSTEM_MOSQUITTO.port;

describe('MQTT triggers (real service, real Mosquitto)', () => {
  let root: string;
  before(async () => {
    root = await makeTempDir();
  });
  after(async () => {
    if (root) await removeTempDir(root);
  });

  describe('one service with a persistent session', () => {
    const base = uniqueName('pycron-test');
    const prefix = `${base}/trigger/`;
    const clientId = `${base}-client`;
    const received: { topic: string; qos: number; record: Record<string, unknown> }[] = [];
    let folder: ServiceFolder;
    let svc: RunningService | undefined;
    let listener: mqtt.MqttClient | undefined;

    before(async () => {
      await requireSystemMosquitto();
      folder = writeServiceFolder(
        join(root, 'one'),
        [
          '[Control]',
          'SOCKET =',
          '[MQTT]',
          `URL = mqtt://127.0.0.1:${PORT}`,
          `TOPIC_PREFIX = ${prefix}`,
          `CLIENT_ID = ${clientId}`,
          'MQTT_PUBLISH_RUNS = true',
          `RUNS_TOPIC_PREFIX = ${base}/runs`,
        ].join('\n'),
        ['LISTEN = 127.0.0.1:0'],
      );
      writeIniJob(folder.jobs, 'backup', 'schedule = none\nmqtt_trigger = true', 'echo "backup $*"');
      writeIniJob(folder.jobs, 'quiet', 'schedule = none', 'echo quiet');
      listener = await mqtt.connectAsync(`mqtt://127.0.0.1:${PORT}`, { clean: true });
      listener.on('message', (topic, payload, packet) =>
        received.push({ topic, qos: packet.qos, record: JSON.parse(payload.toString('utf8')) }),
      );
      await listener.subscribeAsync(`${base}/runs/#`, { qos: 1 });
      svc = await startService(folder);
      await waitForState(svc.port, 'mqtt', 'connected');
    });

    after(async () => {
      await svc?.process.kill();
      await listener?.endAsync();
      // Leave nothing on the shared broker: the persistent session, then the retained message.
      const cleaner = await mqtt.connectAsync(`mqtt://127.0.0.1:${PORT}`, { clientId, clean: true });
      await cleaner.publishAsync(`${prefix}backup`, '', { qos: 1, retain: true });
      await cleaner.endAsync();
    });

    it('`mosquitto_pub -t PREFIX/JOB -m ""` runs the job; JSON args reach it; /health says connected', async () => {
      assert.deepEqual(await triggerStates(svc!.port), { redis: 'off', mqtt: 'connected' });
      mosquittoPub(PORT, '-q', '1', '-t', `${prefix}backup`, '-m', '');
      const plain = await waitForRun(folder, 'backup', []);
      assert.equal(plain.output, 'backup \n');
      assert.equal(plain.reason_for_run, `triggered by mqtt ${prefix}backup`);
      mosquittoPub(PORT, '-q', '1', '-t', `${prefix}backup`, '-m', '{"args": ["--full", "a b"]}');
      const withArgs = await waitForRun(folder, 'backup', ['--full', 'a b']);
      assert.equal(withArgs.output, 'backup --full a b\n');
    });

    it("publishes each run's record without its output on RUNS_TOPIC_PREFIX/JOB with QoS 1", async () => {
      const record = await waitForRun(folder, 'backup', ['--full', 'a b']);
      const published = await waitFor(
        () => received.find((m) => m.record.run_id === record.run_id),
        5000,
        'the run record on the bus',
      );
      assert.equal(published.topic, `${base}/runs/backup`);
      assert.equal(published.qos, 1);
      const { output: _output, error: _error, ...expected } = record;
      assert.deepEqual(published.record, expected);
    });

    it('ignores, with a log line, a job without mqtt_trigger, an unknown job and a bad payload', async () => {
      mosquittoPub(PORT, '-q', '1', '-t', `${prefix}quiet`, '-m', '');
      mosquittoPub(PORT, '-q', '1', '-t', `${prefix}nosuchjob`, '-m', '');
      mosquittoPub(PORT, '-q', '1', '-t', `${prefix}backup`, '-m', '{"args": "no list"}');
      await svc!.process.waitForLog(/MQTT message on .*\/backup ignored: args: expected an array of strings/, 5000);
      assert.match(
        svc!.process.stderr,
        new RegExp(`MQTT message on ${prefix}quiet ignored: job 'quiet' does not take MQTT triggers`),
      );
      assert.match(
        svc!.process.stderr,
        new RegExp(`MQTT message on ${prefix}nosuchjob ignored: no job named 'nosuchjob'`),
      );
      assert.equal(readStatusRecords(folder.logs).filter((r) => r.job === 'quiet').length, 0);
    });

    it('gets a QoS 1 trigger sent while it was stopped after its restart; a retained trigger runs only once', async () => {
      mosquittoPub(PORT, '-q', '1', '-r', '-t', `${prefix}backup`, '-m', '{"args": ["retained"]}');
      await waitForRun(folder, 'backup', ['retained']);
      svc!.process.signal('SIGTERM');
      assert.equal(await svc!.process.exit(), 0);
      mosquittoPub(PORT, '-q', '1', '-t', `${prefix}backup`, '-m', '{"args": ["while-down"]}');
      svc = await startService(folder);
      await waitForRun(folder, 'backup', ['while-down']);
      // The broker hands the retained message over again at the new subscription: it must not run again.
      await svc.process.waitForLog(/ignored: it is a retained message/, 5000);
      const retainedRuns = readStatusRecords(folder.logs).filter((r) => JSON.stringify(r.args) === '["retained"]');
      assert.equal(retainedRuns.length, 1);
    });
  });

  it('logs in with USERNAME and PASSWORD_FILE, survives a broker restart, takes PyCron-layout names', async () => {
    const password = uniqueName('secret');
    const port = await freePort();
    const folder = writeServiceFolder(
      join(root, 'restart'),
      [
        '[Control]',
        'SOCKET =',
        '[MQTT]',
        `URL = mqtt://127.0.0.1:${port}`,
        'USERNAME = pycron',
        'PASSWORD_FILE = mqtt-password',
        '[Defaults]',
        'mqtt_trigger = true',
      ].join('\n'),
      ['LISTEN = 127.0.0.1:0'],
    );
    writeFileSync(join(folder.root, 'mqtt-password'), `${password}\n`, { mode: 0o600 });
    const broker = PrivateServer.mosquitto(port, folder.root, 'pycron', password);
    const pub = (...args: string[]) => mosquittoPub(port, '-u', 'pycron', '-P', password, ...args);
    await broker.start();
    writeScript(join(folder.jobs, '1week/at0300/report.sh'), 'echo "report $*"');
    const svc = await startService(folder);
    try {
      await waitForState(svc.port, 'mqtt', 'connected');
      pub('-q', '1', '-t', 'pycron/trigger/1week/at0300/report.sh', '-m', '{"args":["one"]}');
      await waitForRun(folder, '1week/at0300/report.sh', ['one']);
      await broker.kill();
      await waitForState(svc.port, 'mqtt', 'reconnecting');
      await new Promise((r) => setTimeout(r, 1000));
      await broker.start();
      await waitForState(svc.port, 'mqtt', 'connected', 15_000);
      pub('-q', '1', '-t', 'pycron/trigger/1week/at0300/report.sh', '-m', '{"args":["two"]}');
      const record = await waitForRun(folder, '1week/at0300/report.sh', ['two']);
      assert.equal(record.output, 'report two\n');
      assert.match(svc.process.stderr, new RegExp(`MQTT triggers: no connection to mqtt://127.0.0.1:${broker.port}`));
      assert.ok(!svc.process.stderr.includes(password), 'the password reached the service log');
      svc.process.signal('SIGTERM');
      assert.equal(await svc.process.exit(), 0);
    } finally {
      await svc.process.kill();
      await broker.kill();
    }
  });
});
