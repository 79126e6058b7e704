// `pycron status`, `pause` and `resume` end to end over the HTTP API: the socket is off (or names a path nobody
// listens on) and [HTTP] LISTEN is set, so the commands take the API with the token from config.ini. A missing or
// wrong token is a failure of that way, reported next to the socket's.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { JobView } from '../../src/http/describe-job.ts';
import { makeTempDir, removeTempDir, type ServiceProcess } from '../support/cli-process.ts';
import { writeJobFolder, writeScript } from '../support/service-folder.ts';
import {
  TEST_TOKEN,
  freePort,
  literal,
  runCliAsync,
  startService,
  stopService,
  writeServiceConfig,
} from './cli-service-harness.ts';

const INSTANT = '\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} [+-]\\d{2}:\\d{2}';

describe('pycron status, pause and resume over the HTTP API (end to end)', () => {
  let root: string;
  let config: string;
  let url: string;
  let listen: string;
  let service: ServiceProcess | undefined;
  const cli = (...args: string[]) => runCliAsync([...args, '-c', config], root);

  before(async () => {
    root = await makeTempDir();
    listen = `127.0.0.1:${await freePort()}`;
    url = `http://${listen}`;
    const folder = writeServiceConfig(root, { socket: '', listen, token: TEST_TOKEN });
    config = folder.config;
    writeJobFolder(folder.jobs, 'hello', 'every 5m', 'echo hi');
    // A PyCron-layout job: its name has a slash, which travels percent-encoded in the API's path.
    writeScript(join(folder.jobs, '5min', 'report.sh'), 'true');
    service = await startService(config, root, true);
  });
  after(async () => {
    await stopService(service);
    await removeTempDir(root);
  });

  it('status: the header names the API (no version over HTTP), then the jobs', async () => {
    const out = await cli('status');
    assert.equal(out.stderr, '');
    assert.equal(out.code, 0);
    const lines = out.stdout.split('\n');
    assert.match(
      lines[0]!,
      new RegExp(
        `^pycron is running \\(pid ${service!.child.pid}\\), up [\\d.]+ s, 2 jobs; reached on the HTTP API ${literal(url)}$`,
      ),
    );
    // A 5-minute slot may pass while the test runs: the last result is then that run's.
    assert.match(lines[4]!, new RegExp(`^hello +every 5 minutes +idle +${INSTANT} +(never ran|ok \\S+ \\S+ \\S+)$`));
    const json = JSON.parse((await cli('status', '--json')).stdout) as { version: unknown; jobs: JobView[] };
    assert.equal(json.version, null);
    assert.deepEqual(
      json.jobs.map((job) => job.name),
      ['5min/report.sh', 'hello'],
    );
  });

  it('pause and resume with the token from config.ini; status shows the pause; a name with a slash works', async () => {
    assert.deepEqual(await cli('pause', 'hello'), {
      code: 0,
      stdout: "hello paused: its schedule and triggers are held until 'pycron resume hello'\n",
      stderr: '',
    });
    const paused = await cli('pause', '5min/report.sh');
    assert.equal(paused.code, 0, paused.stderr);
    const status = await cli('status');
    assert.match(status.stdout, /^hello +every 5 minutes +paused +- +(never ran|ok \S+ \S+ \S+)$/m);
    assert.match(status.stdout, /^5min\/report\.sh +every 5 minutes +paused +- +(never ran|ok \S+ \S+ \S+)$/m);
    const resumed = await cli('resume', 'hello');
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stdout, new RegExp(`^hello resumed: next run ${INSTANT}\\n$`));
    assert.match((await cli('status')).stdout, /^hello +every 5 minutes +idle /m);
  });

  it('an unknown job: exit 2, named on stderr', async () => {
    assert.deepEqual(await cli('pause', 'nope'), { code: 2, stdout: '', stderr: "pycron: no job named 'nope'\n" });
  });

  it('a socket nobody listens on: the command says nothing of it and takes the API', async () => {
    const other = writeServiceConfig(root, { socket: 'nowhere.sock', listen, token: TEST_TOKEN }, 'silent-socket.ini');
    const out = await runCliAsync(['status', '-c', other.config], root);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, new RegExp(`reached on the HTTP API ${literal(url)}\\n`));
  });

  it('no token in the config: pause fails with exit 1, saying what each way lacked', async () => {
    const other = writeServiceConfig(root, { socket: '', listen }, 'no-token.ini');
    assert.deepEqual(await runCliAsync(['pause', 'hello', '-c', other.config], root), {
      code: 1,
      stdout: '',
      stderr: [
        'pycron: the service cannot be reached:',
        '  control socket: off ([Control] SOCKET is empty)',
        `  HTTP API ${url}: pause needs the token, and the config sets no [HTTP] TOKEN or TOKEN_FILE`,
        `Is it running with this config? Start it with 'pycron -c ${other.config}' (or through your service manager).`,
        '',
      ].join('\n'),
    });
  });

  it('a wrong token: refused by the service, exit 1, with its reason', async () => {
    const other = writeServiceConfig(root, { socket: '', listen, token: 'wrong-token-0123456789abcdef' }, 'bad.ini');
    const out = await runCliAsync(['resume', 'hello', '-c', other.config], root);
    assert.equal(out.code, 1);
    assert.match(
      out.stderr,
      new RegExp(`^  HTTP API ${literal(url)}: POST /api/v1/jobs/hello/resume was refused: the token is wrong$`, 'm'),
    );
  });
});
