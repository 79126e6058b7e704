// pycron's own package.json, read beside src/ (or dist/ in the npm package): its version and supported Node range.
import { readFileSync } from 'node:fs';

export interface PackageManifest {
  version: string;
  /** The `engines.node` range, e.g. `^20.19.0 || >=22.12.0`. */
  nodeRange: string;
}

const raw = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
  engines?: { node?: string };
};

export const PACKAGE_MANIFEST: PackageManifest = { version: raw.version, nodeRange: raw.engines?.node ?? '*' };
