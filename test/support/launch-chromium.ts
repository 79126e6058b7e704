// Debian's chromium driven by playwright-core, for the dashboard tests. `npm test` installs the package when it is
// missing (scripts/test.sh); a run without it fails with the command to fix it, never skips.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.PYCRON_CHROMIUM ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH))
    throw new Error(
      `no browser at ${CHROMIUM_PATH}: install Debian's chromium (apt-get install -y chromium), run npm test ` +
        '(it installs it), or set PYCRON_CHROMIUM to a Chromium binary',
    );
  // NOTE: --no-sandbox because the tests run as root in CI, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}
