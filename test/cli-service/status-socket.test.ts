// `pycron status`, `pause` and `resume` end to end over the control socket: the real CLI against the real service
// on temporary folders. Pause shows in status (and in --json), resume brings the next run back, an unknown job is
// exit 2, a running job shows as running.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { JobView } from '../../src/http/describe-job.ts';
import { makeTempDir, removeTempDir, type ServiceProcess } from '../support/cli-process.ts';
import { writeJobFolder, writeScript } from '../support/service-folder.ts';
import { literal, runCliAsync, startService, stopService, writeServiceConfig } from './cli-service-harness.ts';

const INSTANT = '\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} [+-]\\d{2}:\\d{2}';

describe('pycron status, pause and resume over the control socket (end to end)', () => {
  let root: string;
  let config: string;
  let socket: string;
  let service: ServiceProcess | undefined;
  const cli = (...args: string[]) => runCliAsync([...args, '-c', config], root);

  before(async () => {
    root = await makeTempDir();
    const folder = writeServiceConfig(root, { socket: 'run/ctl.sock' });
    config = folder.config;
    socket = join(root, 'run', 'ctl.sock');
    writeJobFolder(folder.jobs, 'hello', 'every 5m', 'echo hi');
    writeJobFolder(folder.jobs, 'sleeper', 'none', 'exec sleep 60');
    // Two programs: a folder pycron cannot load.
    writeJobFolder(folder.jobs, 'broken', 'every 5m', 'true');
    writeScript(join(folder.jobs, 'broken', 'other.sh'), 'true');
    service = await startService(config, root);
  });
  after(async () => {
    await stopService(service);
    await removeTempDir(root);
  });

  it('status: a header naming the socket, each job with its schedule, state, next run, and the broken folder', async () => {
    const out = await cli('status');
    assert.equal(out.stderr, '');
    assert.equal(out.code, 0);
    const lines = out.stdout.split('\n');
    assert.match(
      lines[0]!,
      new RegExp(
        `^pycron \\d+\\.\\d+\\.\\d+\\S* is running \\(pid \\d+\\), up [\\d.]+ s, 2 jobs, 1 problem in job folders; ` +
          `reached on the control socket ${literal(socket)}$`,
      ),
    );
    assert.equal(lines[1], '');
    assert.match(lines[2]!, /^JOB +SCHEDULE +STATE +NEXT RUN +LAST RESULT$/);
    // A 5-minute slot may pass while the test runs: the last result is then that run's.
    assert.match(lines[3]!, new RegExp(`^hello +every 5 minutes +idle +${INSTANT} +(never ran|ok \\S+ \\S+ \\S+)$`));
    assert.match(lines[4]!, /^sleeper +on trigger only +idle +- +never ran$/);
    assert.equal(lines[5], '');
    assert.equal(lines[6], "Job folders not loaded ('pycron validate' checks them all):");
    assert.equal(
      lines[7],
      `  ${join(root, 'jobs', 'broken')}: 2 executable files (other.sh, run.sh); a job folder runs exactly one: ` +
        'remove the exec bit from the others or set command = in job.ini',
    );
    assert.equal(lines.length, 9);
    assert.equal(lines[8], '');
  });

  it('pause: the job is held, status shows it paused with no next run; resume brings the next run back', async () => {
    const paused = await cli('pause', 'hello');
    assert.deepEqual(paused, {
      code: 0,
      stdout: "hello paused: its schedule and triggers are held until 'pycron resume hello'\n",
      stderr: '',
    });
    const status = await cli('status');
    assert.match(status.stdout, /^hello +every 5 minutes +paused +- +(never ran|ok \S+ \S+ \S+)$/m);
    const json = await cli('status', '--json');
    assert.equal(json.code, 0);
    const answer = JSON.parse(json.stdout) as { ok: boolean; pid: number; jobs: JobView[] };
    assert.equal(answer.ok, true);
    assert.equal(answer.pid, service!.child.pid);
    const hello = answer.jobs.find((job) => job.name === 'hello');
    assert.equal(hello?.paused, true);
    assert.deepEqual(hello?.next_runs, []);

    const resumed = await cli('resume', 'hello');
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stdout, new RegExp(`^hello resumed: next run ${INSTANT}\\n$`));
    assert.match(
      (await cli('status')).stdout,
      new RegExp(`^hello +every 5 minutes +idle +${INSTANT} +(never ran|ok \\S+ \\S+ \\S+)$`, 'm'),
    );
  });

  it('pause --json prints the job as the service describes it now', async () => {
    const out = await cli('pause', 'sleeper', '--json');
    assert.equal(out.code, 0, out.stderr);
    const job = JSON.parse(out.stdout) as JobView;
    assert.equal(job.name, 'sleeper');
    assert.equal(job.paused, true);
    assert.equal((await cli('resume', 'sleeper')).code, 0);
  });

  it('an unknown job: exit 2, named on stderr, for pause and for resume', async () => {
    const [pause, resume] = await Promise.all([cli('pause', 'nope'), cli('resume', 'nope')]);
    const expected = { code: 2, stdout: '', stderr: "pycron: no job named 'nope' in this service\n" };
    assert.deepEqual(pause, expected);
    assert.deepEqual(resume, expected);
  });

  it('a running job shows as running', async () => {
    assert.equal((await cli('trigger', 'sleeper')).code, 0);
    await service!.waitForLog(/run started: sleeper/);
    const out = await cli('status');
    assert.match(out.stdout, /^sleeper +on trigger only +running +- +never ran$/m);
  });
});
