// `pycron trigger` end to end: the real CLI in a child process against a ControlServer in this test process, on a
// temporary socket named in config.ini. Each exit code, the messages, --json, and arguments passed verbatim.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ControlServer } from '../../src/control/control-server.ts';
import { PYCRON_BIN, makeTempDir, removeTempDir, type CliResult } from '../support/cli-process.ts';
import { writeServiceFolder, type ServiceFolder } from '../support/service-folder.ts';
import { fakeService, makeStaleSocket, type TriggerCall } from './socket-talk.ts';

/** Runs the CLI without blocking this process, which serves the socket the CLI talks to; killed after 60 s. */
function runCliAsync(args: string[], cwd: string, timeoutMs = 60_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PYCRON_BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    // NOTE: a CLI that never exits would hold the test on its pipes for good: give up and say so.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `timed out after ${timeoutMs} ms waiting for pycron ${args.join(' ')} to exit; stdout: ${stdout}; stderr: ${stderr}`,
        ),
      );
    }, timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('rule 9: pycron trigger (end to end)', () => {
  let root: string;
  let svc: ServiceFolder;
  let socket: string;
  let server: ControlServer;
  let calls: TriggerCall[];
  const trigger = (...args: string[]): Promise<CliResult> => runCliAsync(['trigger', ...args, '-c', svc.config], root);

  before(async () => {
    root = await makeTempDir();
    svc = writeServiceFolder(join(root, 'svc'), '[Control]\nSOCKET = run/ctl.sock');
    socket = join(svc.root, 'run', 'ctl.sock');
    ({ server, calls } = fakeService(socket, {
      backup: { kind: 'started', message: 'backup started (run r-1)', runId: 'r-1' },
      report: { kind: 'queued', message: 'report is running; it runs again when this run ends' },
      sync: { kind: 'collapsed', message: 'sync has a run pending already; these arguments go to it' },
      mail: { kind: 'refused', message: 'mail is running and its overlap policy is ignore: trigger dropped' },
      echo: { kind: 'started', message: 'echo started' },
      hang: () => new Promise(() => {}),
    }));
    await server.start();
  });
  after(async () => {
    await server.close();
    await removeTempDir(root);
  });

  it('started: exit 0, the message on stdout, source cli', async () => {
    const out = await trigger('backup');
    assert.deepEqual(out, { code: 0, stdout: 'backup started (run r-1)\n', stderr: '' });
    assert.deepEqual(calls.at(-1), { job: 'backup', args: [], source: 'cli' });
  });

  it('queued: exit 0', async () => {
    assert.deepEqual(await trigger('report'), {
      code: 0,
      stdout: 'report is running; it runs again when this run ends\n',
      stderr: '',
    });
  });

  it('collapsed into a pending run: exit 3', async () => {
    const out = await trigger('sync');
    assert.equal(out.code, 3);
    assert.equal(out.stdout, 'sync has a run pending already; these arguments go to it\n');
  });

  it('refused by policy: exit 4', async () => {
    const out = await trigger('mail');
    assert.equal(out.code, 4);
    assert.equal(out.stdout, 'mail is running and its overlap policy is ignore: trigger dropped\n');
  });

  it('an unknown job: exit 2, named on stderr', async () => {
    assert.deepEqual(await trigger('nope'), {
      code: 2,
      stdout: '',
      stderr: "pycron: no job named 'nope' in this service\n",
    });
  });

  it('no job given: a usage error, exit 2', async () => {
    const out = await runCliAsync(['trigger', '-c', svc.config], root);
    assert.equal(out.code, 2);
    assert.match(out.stderr, /Not enough non-option arguments/);
    const extra = await trigger('backup', 'stray');
    assert.equal(extra.code, 2);
    assert.match(extra.stderr, /Unknown argument: stray/);
  });

  it('everything after -- arrives verbatim: spaces, quotes, empty strings, flags, numbers, $ and globs', async () => {
    const args = [
      '--full',
      'a b',
      `it's "quoted"`,
      '',
      '-c',
      'x.ini',
      '--json',
      '--',
      '007',
      '1e3',
      '$HOME',
      '*',
      'ü ✓',
    ];
    const out = await runCliAsync(['trigger', 'echo', '-c', svc.config, '--', ...args], root);
    assert.equal(out.code, 0, out.stderr);
    assert.deepEqual(calls.at(-1), { job: 'echo', args, source: 'cli' });
  });

  it('--json prints the reply; the exit code is the same', async () => {
    const [out, refused, unknown] = await Promise.all([
      trigger('backup', '--json'),
      trigger('mail', '--json'),
      trigger('nope', '--json'),
    ]);
    assert.equal(out.code, 0);
    assert.deepEqual(JSON.parse(out.stdout), {
      ok: true,
      outcome: 'started',
      message: 'backup started (run r-1)',
      run_id: 'r-1',
    });
    assert.equal(refused.code, 4);
    assert.equal(JSON.parse(refused.stdout).outcome, 'refused');
    assert.equal(unknown.code, 2);
    assert.deepEqual(JSON.parse(unknown.stdout), {
      ok: false,
      code: 'JOB_NOT_FOUND',
      message: "no job named 'nope' in this service",
    });
  });

  it('no reply in time: exit 1, saying how long it waited', async () => {
    const out = await trigger('hang', '--timeout', '0.3');
    assert.equal(out.code, 1);
    assert.equal(out.stderr, `pycron: no reply from the service on ${socket} within 300 ms\n`);
  });

  it('the service is not running (no socket, or a stale one): exit 1, naming the socket and how to start it', async () => {
    const down = writeServiceFolder(join(root, 'down'));
    const downSocket = join(down.root, 'pycron.sock');
    const missing = await runCliAsync(['trigger', 'backup', '-c', down.config], root);
    assert.deepEqual(missing, {
      code: 1,
      stdout: '',
      stderr: `pycron: the service is not running: there is no control socket at ${downSocket}; start it with 'pycron -c ${down.config}' (or through your service manager)\n`,
    });
    await makeStaleSocket(downSocket);
    const stale = await runCliAsync(['trigger', 'backup', '-c', down.config, '--json'], root);
    assert.equal(stale.code, 1);
    assert.deepEqual(JSON.parse(stale.stdout), {
      ok: false,
      code: 'SERVICE_UNREACHABLE',
      message: `the service is not running: nothing answers on ${downSocket} (a socket file left behind); start it with 'pycron -c ${down.config}' (or through your service manager)`,
    });
  });

  it('the socket turned off in the config: exit 1, saying so', async () => {
    const off = writeServiceFolder(join(root, 'off'), '[Control]\nSOCKET =');
    const out = await runCliAsync(['trigger', 'backup', '-c', off.config], root);
    assert.deepEqual(out, {
      code: 1,
      stdout: '',
      stderr: `pycron: the control socket is off, so the service cannot be reached: [Control] SOCKET is empty in ${off.config}\n`,
    });
  });

  it('a bad --timeout is a usage error', async () => {
    const out = await trigger('backup', '--timeout', '0');
    assert.equal(out.code, 2);
    assert.equal(out.stderr, "pycron: --timeout: expected a number of seconds above 0 and at most 3600, got '0'\n");
  });
});
