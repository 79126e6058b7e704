// Runs `systemd-analyze verify` on a unit file; the test setup (scripts/test.sh) installs it when missing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

export function verifyUnit(file: string): { status: number | null; output: string } {
  const out = spawnSync('systemd-analyze', ['verify', path.basename(file)], {
    cwd: path.dirname(file),
    encoding: 'utf8',
    timeout: 30_000,
  });
  assert.equal(
    out.error,
    undefined,
    "systemd-analyze is missing: install Debian's systemd package (apt-get install systemd)",
  );
  return { status: out.status, output: `${out.stdout}${out.stderr}` };
}
