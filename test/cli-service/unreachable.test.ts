// With no service running, `pycron status`, `pause` and `resume` exit 1 and say what each way to the service tried
// (the socket's path, the API's address) and why it failed.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeTempDir, removeTempDir } from '../support/cli-process.ts';
import { makeStaleSocket } from '../control/socket-talk.ts';
import { freePort, runCliAsync, writeServiceConfig } from './cli-service-harness.ts';

describe('pycron status, pause and resume with no service (end to end)', () => {
  let root: string;
  before(async () => {
    root = await makeTempDir();
  });
  after(async () => {
    await removeTempDir(root);
  });
  const hint = (config: string): string =>
    `Is it running with this config? Start it with 'pycron -c ${config}' (or through your service manager).`;

  it('no socket and nothing on the API port: exit 1, both ways named with why they failed', async () => {
    const port = await freePort();
    const { config } = writeServiceConfig(root, { listen: `127.0.0.1:${port}` }, 'both.ini');
    const socket = join(root, 'pycron.sock');
    const expected = [
      'pycron: the service cannot be reached:',
      `  control socket: the service is not running: there is no control socket at ${socket}`,
      `  HTTP API http://127.0.0.1:${port}: nothing listens there (connection refused)`,
      hint(config),
      '',
    ].join('\n');
    const outs = await Promise.all([
      runCliAsync(['status', '-c', config], root),
      runCliAsync(['status', '--json', '-c', config], root),
      runCliAsync(['resume', 'hello', '-c', config], root),
    ]);
    // resume has no token to send: that is what the API way lacked, and it is not tried.
    const resumeExpected = expected.replace(
      'nothing listens there (connection refused)',
      'resume needs the token, and the config sets no [HTTP] TOKEN or TOKEN_FILE',
    );
    assert.deepEqual(outs, [
      { code: 1, stdout: '', stderr: expected },
      { code: 1, stdout: '', stderr: expected },
      { code: 1, stdout: '', stderr: resumeExpected },
    ]);
  });

  it('the socket and the API both off: exit 1, saying so', async () => {
    const { config } = writeServiceConfig(root, { socket: '' }, 'off.ini');
    assert.deepEqual(await runCliAsync(['pause', 'hello', '-c', config], root), {
      code: 1,
      stdout: '',
      stderr: [
        'pycron: the service cannot be reached:',
        '  control socket: off ([Control] SOCKET is empty)',
        '  HTTP API: off ([HTTP] LISTEN is off)',
        hint(config),
        '',
      ].join('\n'),
    });
  });

  it('a socket file left by a service that died: exit 1, named as such', async () => {
    const { config } = writeServiceConfig(root, { socket: 'stale.sock' }, 'stale.ini');
    const socket = join(root, 'stale.sock');
    await makeStaleSocket(socket);
    const out = await runCliAsync(['status', '-c', config], root);
    assert.equal(out.code, 1);
    assert.equal(
      out.stderr.split('\n')[1],
      `  control socket: the service is not running: nothing answers on ${socket} (a socket file left behind)`,
    );
  });
});
