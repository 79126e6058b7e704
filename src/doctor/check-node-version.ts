// Is this Node.js one the package supports (package.json `engines.node`)? Older ones fail inside dependencies.
import type { Finding } from './finding.ts';
import { satisfiesNodeRange } from './satisfies-node-range.ts';

export function checkNodeVersion(nodeVersion: string, range: string): Finding {
  const fits = satisfiesNodeRange(nodeVersion, range);
  if (fits === true) return { check: 'node', severity: 'ok', message: `Node.js ${nodeVersion} satisfies ${range}` };
  if (fits === undefined)
    return {
      check: 'node',
      severity: 'warn',
      message: `cannot tell whether Node.js ${nodeVersion} satisfies '${range}' (a range form doctor does not read)`,
      fix: `check by hand that Node.js ${nodeVersion} satisfies ${range}`,
    };
  return {
    check: 'node',
    severity: 'error',
    message: `Node.js ${nodeVersion} is not supported: pycron needs ${range} (its dependencies fail on older versions)`,
    fix: 'install a supported Node.js (e.g. the current 22.x LTS from nodejs.org or your distribution), then reinstall pycron',
  };
}
